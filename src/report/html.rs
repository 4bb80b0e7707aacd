//! `html`: one self-contained file a court clerk can open anywhere: no script, no network
//! (a Content-Security-Policy forbids both), inline CSS, Chinese and English side by side with
//! a language switch made of two radio buttons and CSS.
//!
//! Layout: run information, summary, an overview table of apps, then per app its identity,
//! findings by severity (legal basis, evidence excerpts, fix, fingerprint), the permissions and
//! SDK tables, and the policies found with their disclosures highlighted. Every text that comes
//! from an app, a path or a rule file goes through [`escape`]: an APK's strings are hostile.

use std::fmt::Write as _;
use std::io::Write;

use piaudit_rules::glossary::Glossary;
use piaudit_rules::{Lang, Localized, Severity};

use super::{AppRecord, ReportContext, ReportedFinding, Summary, view};

/// Evidence items shown per finding.
const EVIDENCE_SHOWN: usize = 20;

const STYLE: &str = r#"
body{font:14px/1.5 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main,header{max-width:1100px;margin:0 auto;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-top:12px}h3{font-size:16px}h4{font-size:14px;margin:4px 0}
table{border-collapse:collapse;margin:8px 0;width:100%}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f0f0}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
.finding{border-left:4px solid #999;background:#fff;margin:8px 0;padding:6px 10px}
.sev-critical{border-color:#7a0010}.sev-high{border-color:#c62828}.sev-medium{border-color:#ef8f00}.sev-low{border-color:#1e88e5}.sev-info{border-color:#888}
.badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;background:#888}
.badge.sev-critical{background:#7a0010}.badge.sev-high{background:#c62828}.badge.sev-medium{background:#ef8f00}.badge.sev-low{background:#1e88e5}
.baselined{opacity:.7}.error{color:#b00020}
mark{background:#fff3a0}pre{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:8px;max-height:30em;overflow:auto}
.switch{position:sticky;top:0;background:#fafafa;padding:6px 16px;border-bottom:1px solid #ddd;z-index:1}
#lang-zh:checked~header .en,#lang-zh:checked~main .en,#lang-en:checked~header .zh,#lang-en:checked~main .zh{display:none}
@media print{.switch{display:none}}
"#;

pub fn write(
    out: &mut dyn Write,
    ctx: &ReportContext<'_>,
    records: &[AppRecord],
    summary: &Summary,
) -> std::io::Result<()> {
    let mut page = String::with_capacity(64 << 10);
    render(&mut page, ctx, records, summary);
    out.write_all(page.as_bytes())
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Both languages, each shown when its switch is on.
fn bi(zh: &str, en: &str) -> String {
    format!(
        r#"<span class="zh" lang="zh-CN">{}</span><span class="en" lang="en">{}</span>"#,
        escape(zh),
        escape(en)
    )
}

fn loc(text: &Localized) -> String {
    bi(&text.zh, &text.en)
}

fn severity(s: Severity) -> String {
    format!(
        r#"<span class="badge sev-{}">{}</span>"#,
        s.as_str(),
        bi(s.label(Lang::Zh), s.label(Lang::En))
    )
}

/// Writing into a String cannot fail; the `fmt::Result`s below are discarded on purpose.
fn render(page: &mut String, ctx: &ReportContext<'_>, records: &[AppRecord], summary: &Summary) {
    let run = ctx.run;
    let html_lang = match ctx.lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let (zh_checked, en_checked) = match ctx.lang {
        Lang::Zh => (" checked", ""),
        Lang::En => ("", " checked"),
    };
    let _ = write!(
        page,
        r#"<!DOCTYPE html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="piaudit {}">
<title>{}</title><style>{STYLE}</style></head><body>
<input type="radio" name="lang" id="lang-zh"{zh_checked} hidden><input type="radio" name="lang" id="lang-en"{en_checked} hidden>
<div class="switch"><label for="lang-zh">中文</label> · <label for="lang-en">English</label></div>
<header><h1>{}</h1>
"#,
        escape(run.tool_version),
        match ctx.lang {
            Lang::Zh => "piaudit 个人信息合规检测报告",
            Lang::En => "piaudit report",
        },
        bi(
            "piaudit 个人信息合规检测报告",
            "piaudit personal-information compliance report"
        ),
    );
    let cmd = ctx.invocation.arguments.join(" ");
    let run_rows = [
        (
            bi("工具版本", "tool version"),
            format!("piaudit {}", escape(run.tool_version)),
        ),
        (
            bi("报告格式版本", "schema version"),
            escape(run.schema_version),
        ),
        (
            bi("规则集摘要（SHA-256）", "rule-set digest (SHA-256)"),
            format!("<code>{}</code>", escape(&run.rules_digest)),
        ),
        (
            bi("检测时间（UTC）", "scanned at (UTC)"),
            escape(&run.scanned_at),
        ),
        (
            bi("命令", "command"),
            format!("<code>{}</code>", escape(&cmd)),
        ),
    ];
    page.push_str(r#"<table class="run">"#);
    for (k, v) in run_rows {
        let _ = write!(page, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    page.push_str("</table></header>\n<main>\n");
    write_summary(page, summary);
    write_overview(page, records);
    for (i, r) in records.iter().enumerate() {
        write_app(page, ctx, i, r);
    }
    let _ = writeln!(
        page,
        "<footer><p>{}</p></footer></main></body></html>",
        bi(
            "注：静态检测发现表明应用具备相应能力或存在遗漏，并不证明已实际收集数据。",
            "Note: a static finding is evidence of capability or omission, not proof that data was collected."
        )
    );
}

fn write_summary(page: &mut String, summary: &Summary) {
    let _ = write!(
        page,
        r#"<section id="summary"><h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>"#,
        bi("汇总", "Summary"),
        bi("应用", "apps"),
        bi("发现", "findings"),
        bi("基线已接受", "baselined"),
        bi("无法读取", "unreadable"),
        summary.apps,
        summary.findings,
        summary.baselined,
        summary.errors,
    );
    if !summary.by_rule.is_empty() {
        let _ = write!(
            page,
            "<table><tr><th>{}</th><th>{}</th></tr>",
            bi("规则", "rule"),
            bi("发现数", "findings")
        );
        for (rule, n) in &summary.by_rule {
            let _ = write!(
                page,
                "<tr><td><code>{}</code></td><td>{n}</td></tr>",
                escape(rule)
            );
        }
        page.push_str("</table>");
    }
    page.push_str("</section>\n");
}

fn write_overview(page: &mut String, records: &[AppRecord]) {
    let _ = write!(
        page,
        r#"<section><h2>{}</h2><table id="overview"><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        bi("应用一览", "Apps"),
        bi("文件", "file"),
        bi("包名", "package"),
        bi("版本", "version"),
        bi("名称", "label"),
        bi("发现", "findings"),
        bi("最高严重程度", "highest severity"),
    );
    for (i, r) in records.iter().enumerate() {
        let app = r.app.as_ref();
        let findings = match &r.error {
            Some(_) => format!(
                r#"<span class="error">{}</span>"#,
                bi("无法读取", "unreadable")
            ),
            None => r.findings.len().to_string(),
        };
        let _ = write!(
            page,
            r##"<tr class="app-row"><td><a href="#app-{i}">{}</a></td><td class="mono">{}</td><td class="mono">{}</td><td>{}</td><td>{}</td><td>{findings}</td><td>{}</td></tr>"##,
            i + 1,
            escape(&r.input.path),
            escape(r.package().unwrap_or("")),
            escape(app.and_then(|a| a.version_name.as_deref()).unwrap_or("")),
            escape(app.and_then(|a| a.label.as_deref()).unwrap_or("")),
            r.findings
                .first()
                .map_or(String::new(), |f| severity(f.finding.severity)),
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn write_app(page: &mut String, ctx: &ReportContext<'_>, index: usize, r: &AppRecord) {
    let title = r.package().unwrap_or(&r.input.path);
    let _ = write!(
        page,
        r#"<section class="app" id="app-{index}"><h2>{}. {}</h2>"#,
        index + 1,
        escape(title)
    );
    write_rows(
        page,
        &bi("身份", "Identity"),
        view::identity(r, ctx.rules.tables().glossary(), Lang::Zh),
        view::identity(r, ctx.rules.tables().glossary(), Lang::En),
    );
    if let Some(e) = &r.error {
        let _ = write!(
            page,
            r#"<p class="error">{}: {}</p></section>"#,
            bi("无法读取", "unreadable"),
            escape(e)
        );
        return;
    }
    let _ = write!(page, "<h3>{}</h3>", bi("发现", "Findings"));
    if r.findings.is_empty() {
        let _ = write!(page, "<p>{}</p>", bi("未发现问题。", "No findings."));
    }
    for group in r
        .findings
        .chunk_by(|a, b| a.finding.severity == b.finding.severity)
    {
        for f in group {
            write_finding(page, ctx, r, f);
        }
    }
    for s in &r.skipped {
        let _ = write!(
            page,
            "<p><small>{} <code>{}</code>: {}</small></p>",
            bi("未评估", "not judged"),
            escape(&s.rule_id),
            loc(&s.reason)
        );
    }
    for e in &r.rule_errors {
        let _ = write!(
            page,
            r#"<p class="error"><small>{} <code>{}</code> [{}]: {}</small></p>"#,
            bi("规则出错", "rule error"),
            escape(&e.rule_id),
            escape(&e.stage),
            escape(&e.message)
        );
    }
    if let Some(app) = &r.app {
        let _ = write!(page, "<h3>{}</h3>", bi("权限", "Permissions"));
        write_table(
            page,
            &view::permissions(app, ctx.rules.tables().glossary(), Lang::Zh),
            &view::permissions(app, ctx.rules.tables().glossary(), Lang::En),
        );
        let _ = write!(page, "<h3>{}</h3>", bi("第三方 SDK", "Third-party SDKs"));
        let glossary = ctx.rules.tables().glossary();
        write_table(
            page,
            &view::sdks(app, glossary, Lang::Zh),
            &view::sdks(app, glossary, Lang::En),
        );
        let _ = write!(page, "<h3>{}</h3>", bi("隐私政策", "Privacy policy"));
        let policies = view::policies(app);
        if policies.is_empty() {
            let _ = write!(
                page,
                "<p>{}</p>",
                bi(
                    "安装包中未发现隐私政策。",
                    "No privacy policy was found in the package."
                )
            );
        }
        for p in &policies {
            write_policy(page, p, glossary);
        }
    }
    page.push_str("</section>\n");
}

fn write_finding(page: &mut String, ctx: &ReportContext<'_>, r: &AppRecord, rf: &ReportedFinding) {
    let f = &rf.finding;
    let baselined = if rf.baselined { " baselined" } else { "" };
    let _ = write!(
        page,
        r#"<article class="finding sev-{}{baselined}" data-rule="{}"><h4>{} <code class="rule-id">{}</code> {}{}</h4><p>{}</p>"#,
        f.severity.as_str(),
        escape(&f.rule_id),
        severity(f.severity),
        escape(&f.rule_id),
        loc(&f.title),
        if rf.baselined {
            format!(" <small>({})</small>", bi("基线已接受", "baselined"))
        } else {
            String::new()
        },
        loc(&f.message),
    );
    let (zh, en) = (
        view::finding(ctx.rules, rf, EVIDENCE_SHOWN, Lang::Zh),
        view::finding(ctx.rules, rf, EVIDENCE_SHOWN, Lang::En),
    );
    for ((class, heading_zh, lines_zh), (_, heading_en, lines_en)) in zh.basis.iter().zip(&en.basis)
    {
        let _ = write!(
            page,
            r#"<p class="basis-{class}"><b>{}</b></p><ul class="basis-{class}">"#,
            bi(heading_zh, heading_en)
        );
        for (line_zh, line_en) in lines_zh.iter().zip(lines_en) {
            let _ = write!(page, "<li>{}</li>", bi(line_zh, line_en));
        }
        page.push_str("</ul>");
    }
    let _ = write!(
        page,
        "<p><b>{}</b> ({})</p><ul>",
        bi("证据", "Evidence"),
        f.evidence_count
    );
    for (zh, en) in zh.evidence.iter().zip(&en.evidence) {
        let _ = write!(page, r#"<li class="mono">{}</li>"#, bi(zh, en));
    }
    if let (Some(zh), Some(en)) = (&zh.more, &en.more) {
        let _ = write!(page, "<li>{}</li>", bi(zh, en));
    }
    page.push_str("</ul>");
    let locations = view::logical_locations(r.app.as_ref(), &f.evidence);
    if !locations.is_empty() {
        let _ = write!(page, "<p><b>{}</b></p><ul>", bi("位置", "Locations"));
        for l in locations {
            let _ = write!(
                page,
                r#"<li>{} — <code>{}</code></li>"#,
                bi(l.kind_name(Lang::Zh), l.kind_name(Lang::En)),
                escape(&l.fully_qualified)
            );
        }
        page.push_str("</ul>");
    }
    let _ = write!(
        page,
        r#"<p><b>{}</b>: {}</p><p><small>{} <code>{}</code></small></p></article>"#,
        bi("整改建议", "How to fix"),
        loc(&f.fix),
        bi("指纹", "fingerprint"),
        escape(&rf.fingerprint)
    );
}

fn write_policy(page: &mut String, p: &view::PolicyView, glossary: &Glossary) {
    let _ = write!(
        page,
        r#"<div class="policy"><h4 class="mono">{}</h4>"#,
        escape(&p.source)
    );
    let mut rows = vec![
        (
            bi("类型", "kind"),
            bi(
                &view::policy_kind(&p.kind, Lang::Zh),
                &view::policy_kind(&p.kind, Lang::En),
            ),
        ),
        (
            bi("语言", "language"),
            bi(
                &view::text_language(&p.lang, Lang::Zh),
                &view::text_language(&p.lang, Lang::En),
            ),
        ),
        (bi("字符数", "characters"), p.chars.to_string()),
        (
            "SHA-256".to_owned(),
            format!("<code>{}</code>", escape(&p.sha256)),
        ),
    ];
    if let Some(url) = &p.url {
        // Shown as text, never as a link: the report must not lead anywhere.
        rows.push(("URL".to_owned(), format!("<code>{}</code>", escape(url))));
    }
    page.push_str("<table>");
    for (k, v) in rows {
        let _ = write!(page, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    page.push_str("</table>");
    if !p.disclosures.is_empty() {
        let _ = write!(
            page,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            bi("类别", "kind"),
            bi("事项", "item"),
            bi("具备", "present"),
            bi("原文摘录", "excerpts")
        );
        for d in &p.disclosures {
            let excerpts: Vec<String> = d
                .excerpts
                .iter()
                .map(|e| format!("<mark>{}</mark>", escape(e)))
                .collect();
            let _ = write!(
                page,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                bi(d.kind_name(Lang::Zh), d.kind_name(Lang::En)),
                bi(&d.name(glossary, Lang::Zh), &d.name(glossary, Lang::En)),
                if d.present {
                    bi("是", "yes")
                } else {
                    bi("否", "no")
                },
                excerpts.join("<br>")
            );
        }
        page.push_str("</table>");
    }
    if !p.missing.is_empty() {
        let names = |lang: Lang| {
            p.missing
                .iter()
                .map(|id| glossary.term(id, lang).unwrap_or(id))
                .collect::<Vec<_>>()
                .join(if lang == Lang::Zh { "、" } else { ", " })
        };
        let _ = write!(
            page,
            "<p>{}: {}</p>",
            bi("缺少的事项", "Missing elements"),
            bi(&names(Lang::Zh), &names(Lang::En))
        );
    }
    page.push_str("</div>");
}

/// A two-column table in both languages (a value that reads the same in both is data).
fn write_rows(page: &mut String, caption: &str, zh: Vec<(&str, String)>, en: Vec<(&str, String)>) {
    let _ = write!(page, "<h3>{caption}</h3><table class=\"identity\">");
    for ((label_zh, value_zh), (label_en, value_en)) in zh.into_iter().zip(en) {
        let value = if value_zh == value_en {
            format!(r#"<td class="mono">{}</td>"#, escape(&value_zh))
        } else {
            format!("<td>{}</td>", bi(&value_zh, &value_en))
        };
        let _ = write!(page, "<tr><th>{}</th>{value}</tr>", bi(label_zh, label_en));
    }
    page.push_str("</table>");
}

fn write_table(page: &mut String, zh: &view::Table, en: &view::Table) {
    if zh.rows.is_empty() {
        let _ = write!(page, "<p>{}</p>", bi("无。", "None."));
        return;
    }
    page.push_str("<table><tr>");
    for (h_zh, h_en) in zh.headers.iter().zip(&en.headers) {
        let _ = write!(page, "<th>{}</th>", bi(h_zh, h_en));
    }
    page.push_str("</tr>");
    for (row_zh, row_en) in zh.rows.iter().zip(&en.rows) {
        page.push_str("<tr>");
        for (zh_cell, en_cell) in row_zh.iter().zip(row_en) {
            if zh_cell == en_cell {
                let _ = write!(page, r#"<td class="mono">{}</td>"#, escape(zh_cell));
            } else {
                let _ = write!(page, "<td>{}</td>", bi(zh_cell, en_cell));
            }
        }
        page.push_str("</tr>");
    }
    page.push_str("</table>");
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape(r#"<script>"a"&'b'"#),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;"
        );
    }
}
