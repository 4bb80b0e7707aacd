//! The policy records of `AppFacts.policies`: one per privacy policy (or pointer to one) found
//! for an app, with what its text discloses.
//!
//! Plain data: `piaudit-policy` reads the texts and its results are converted into these types.
//! Must not hold text analysis or judgement. Fields are listed in JSON key order (a contract:
//! rename nothing, only add).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One privacy policy (or pointer to one).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct PolicyDoc {
    /// Characters of the normalised text.
    pub chars: u64,
    /// What the text discloses; null for an unfetched URL, a dialog without analysis, ...
    pub disclosures: Option<Disclosures>,
    /// Encoding the bytes were decoded from; null when there were no bytes (string resources,
    /// unfetched URLs).
    pub encoding: Option<String>,
    /// With `--online`, for `url` documents: the fetch record (status, final URL, time, hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<PolicyFetch>,
    /// `text` (bundled policy text), `url` (a policy known by URL) or `dialog` (a consent dialog).
    pub kind: String,
    /// Language of the text: `zh`, `en`, `mixed` or `unknown` (no text).
    pub lang: String,
    /// SHA-256 (hex) of the policy as stored: the file's bytes in the APK (`sha256sum` of the
    /// copy in an evidence folder), the body as received for a fetched URL, the UTF-8 bytes of
    /// a string resource's value; for an unfetched URL, of the URL itself.
    pub sha256: String,
    /// Where it was found: a path in the APK, `string:NAME`, the URL, ...
    pub source: String,
    /// SHA-256 (hex) of the normalised text the evidence spans point into (equal for one text
    /// stored in different encodings or layouts); null without a text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<String>,
    /// The input exceeded a size cap and only its beginning was read.
    pub truncated: bool,
    /// The policy URL, for `url` documents.
    pub url: Option<String>,
}

/// What a policy text discloses.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Disclosures {
    /// Characters in the normalised text that spans refer to.
    pub chars: u64,
    /// Contact details found.
    pub contacts: Contacts,
    /// Every element of the policy tables, present or not, by element id.
    pub elements: BTreeMap<String, ElementFact>,
    /// The text had more matches than the analysis limit; later parts were not examined.
    pub hit_cap_reached: bool,
    /// Element ids not present, sorted.
    pub missing_elements: Vec<String>,
    /// SDKs named, by catalogue id.
    pub named_sdks: Vec<Disclosed>,
    /// PI types mentioned, by slug.
    pub pi_types: Vec<Disclosed>,
}

/// Contact details found in a text (verbatim, deduplicated, the first 20 each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Contacts {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

/// Whether one policy element is present, with evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct ElementFact {
    /// The first few qualifying matches (possibly some even when `present` is false).
    pub evidence: Vec<Span>,
    /// The element's conditions are met.
    pub present: bool,
}

/// A PI type or SDK the text mentions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Disclosed {
    /// The first few mentions.
    pub evidence: Vec<Span>,
    /// PI type slug or SDK id.
    pub id: String,
    /// Number of mentions found.
    pub mentions: u64,
    /// Every mention sits in a negated clause ("我们不会收集您的通讯录").
    pub negated_only: bool,
    /// A purpose phrase occurs near at least one mention.
    pub purpose_stated: bool,
}

/// Where a match is: character offsets in the normalised text and in the text as stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Span {
    /// One past the last character of the match in the normalised text.
    pub end: u64,
    /// The proving sentence (or table row, or line) that holds the match, whitespace collapsed,
    /// cut around the match when long; `…` marks cuts.
    pub excerpt: String,
    /// First character of the match in the normalised text.
    pub start: u64,
    /// One past the last character of the match in the text as stored (the decoded file, the
    /// string value, the fetched text).
    pub stored_end: u64,
    /// First character of the match in the text as stored.
    pub stored_start: u64,
}

/// The record of one policy URL fetch (`--online`); failures are recorded in `error`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct PolicyFetch {
    /// Body bytes received (for an over-cap body: how many were read before stopping).
    pub bytes: u64,
    /// `Content-Type` of the last response.
    pub content_type: Option<String>,
    /// Encoding the body was decoded from.
    pub encoding: Option<String>,
    /// Why the fetch failed, if it did.
    pub error: Option<String>,
    /// When the fetch started, RFC 3339 UTC.
    pub fetched_at: String,
    /// The last URL requested (after redirects).
    pub final_url: String,
    /// Every redirect target followed, in order.
    pub redirects: Vec<String>,
    /// SHA-256 (hex) of the body bytes exactly as received; empty when there is no body.
    pub sha256: String,
    /// HTTP status of the last response, if one arrived.
    pub status: Option<u16>,
    /// Always false (an over-cap body is an error).
    pub truncated: bool,
    /// The URL asked for.
    pub url: String,
}
