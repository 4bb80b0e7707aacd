//! Who a piece of code belongs to: the app itself, a catalogued SDK, the platform, or unknown
//! third-party code. Used to attribute sensitive API call sites.
//!
//! Platform means the Android framework, the Java/Kotlin standard libraries and the AndroidX /
//! Material support libraries (see [`crate::PLATFORM_PREFIXES`]): they ship with or alongside
//! the OS and are not separate data recipients. This module must not load catalogues.

use crate::catalog::{Catalog, SdkIdx};
use crate::class_trie::ClassTrie;
use crate::pattern::{class_segments, is_platform_class};

/// Most first-party prefixes kept.
const MAX_FIRST_PARTY_PREFIXES: usize = 64;
/// Longest first-party prefix kept.
const MAX_FIRST_PARTY_PREFIX_LEN: usize = 512;

/// Owner of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    /// Under one of the app's first-party prefixes.
    App,
    /// Owned by a catalogued SDK.
    Sdk(SdkIdx),
    /// Neither the app, a known SDK nor the platform ("unknown third-party code"); obfuscated
    /// classes such as `a.b.c` land here.
    ThirdParty,
    /// Android framework, Java/Kotlin standard library, AndroidX or Material.
    Platform,
}

impl Attribution {
    /// A short label for reports: `app`, `platform`, `third-party`, or the SDK id.
    pub fn label<'c>(&self, catalog: &'c Catalog) -> &'c str {
        match self {
            Attribution::App => "app",
            Attribution::Platform => "platform",
            Attribution::ThirdParty => "third-party",
            Attribution::Sdk(index) => catalog
                .sdk(*index)
                .map_or("third-party", |sdk| sdk.id.as_str()),
        }
    }
}

/// The package prefixes that count as the app's own code.
#[derive(Debug, Default)]
pub struct FirstParty {
    prefixes: ClassTrie,
    count: usize,
}

impl FirstParty {
    /// First-party prefixes given explicitly (e.g. the manifest package, the package of the
    /// Application class, extra prefixes from the user). Blank or malformed prefixes (empty
    /// segments) are ignored; at most 64 are kept.
    pub fn new<'p>(prefixes: impl IntoIterator<Item = &'p str>) -> FirstParty {
        let mut first_party = FirstParty::default();
        for prefix in prefixes {
            first_party.add(prefix);
        }
        first_party
    }

    /// Adds one prefix; returns false when it was ignored (malformed, platform, or the limit
    /// was reached).
    pub fn add(&mut self, prefix: &str) -> bool {
        let prefix = prefix.trim();
        let well_formed = !prefix.is_empty()
            && prefix.len() <= MAX_FIRST_PARTY_PREFIX_LEN
            && class_segments(prefix).all(|segment| !segment.is_empty());
        if !well_formed || is_platform_class(prefix) || self.count >= MAX_FIRST_PARTY_PREFIXES {
            return false;
        }
        // The value is unused; a duplicate prefix is simply already present.
        if self.prefixes.insert(prefix, 0).is_ok() {
            self.count += 1;
        }
        true
    }

    /// Depth (in segments) of the longest first-party prefix of `class`.
    pub(crate) fn depth(&self, class: &str) -> Option<usize> {
        self.prefixes.longest(class).map(|found| found.depth)
    }
}

impl Catalog {
    /// First-party prefixes derived from the manifest: the app package and the package of the
    /// Application class. The latter is skipped when it is platform code or owned by a
    /// catalogued SDK (apps often use an SDK's Application class, e.g. a hot-fix loader).
    pub fn first_party(
        &self,
        package: Option<&str>,
        application_class: Option<&str>,
    ) -> FirstParty {
        let mut first_party = FirstParty::default();
        if let Some(package) = package {
            first_party.add(package);
        }
        let application_package = application_class
            .filter(|class| !is_platform_class(class) && self.owner_of(class).is_none())
            .and_then(|class| class.rsplit_once('.').map(|(package, _)| package));
        if let Some(package) = application_package {
            first_party.add(package);
        }
        first_party
    }

    /// Attributes `class` (dotted). Platform prefixes come first. Between a first-party prefix
    /// and an SDK prefix the longer one wins (an SDK nested inside the app's package is the
    /// SDK); on a tie the class is the app's.
    pub fn attribute(&self, class: &str, first_party: &FirstParty) -> Attribution {
        if is_platform_class(class) {
            return Attribution::Platform;
        }
        let sdk = self.owner_with_depth(class);
        match (first_party.depth(class), sdk) {
            (Some(app_depth), Some((index, sdk_depth))) if sdk_depth > app_depth => {
                Attribution::Sdk(index)
            }
            (Some(_), _) => Attribution::App,
            (None, Some((index, _))) => Attribution::Sdk(index),
            (None, None) => Attribution::ThirdParty,
        }
    }
}
