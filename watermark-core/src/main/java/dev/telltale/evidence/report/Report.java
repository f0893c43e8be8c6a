package dev.telltale.evidence.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.Subject;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a finding as one self-contained HTML file for investigators and lawyers: the verdict and
 * p-value in plain words, charts as inline SVG, the statement's subjects and key, the signature
 * status, and the exact commands that re-verify it. No scripts, fonts, images or style sheets are
 * loaded from anywhere; the page prints as it shows.
 */
public final class Report {
  private static final Pattern SAFE_ARG = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");
  private static final Set<String> DEDUP_FIELDS = Set.of("enabled", "scope", "unit", "units");

  static final String CSS =
      """
      :root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--green:#c9f0cf;--red:#ffd2cf;\
      --ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
      *{box-sizing:border-box}
      body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);\
      max-width:960px;margin:24px auto;padding:0 16px;-webkit-print-color-adjust:exact;\
      print-color-adjust:exact}
      h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;\
      border-bottom:1px solid var(--line);padding-bottom:4px}
      .sub{color:var(--muted);margin:0 0 16px}
      .verdict{font-size:20px;font-weight:600;padding:10px 14px;border-radius:6px;margin:12px 0}
      .verdict.positive{background:#ffebe9;border:1px solid var(--bad);color:#82071e}
      .verdict.negative{background:#dafbe1;border:1px solid var(--ok);color:#116329}
      .pwords{font-size:16px;margin:8px 0}
      table{border-collapse:collapse;margin:8px 0;width:100%}
      th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
      th{background:#f6f8fa;font-weight:600;width:30%}
      table.list th{width:auto}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      code,pre,.digest{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;\
      font-size:13px}
      .digest{word-break:break-all}
      pre{background:#f6f8fa;border:1px solid var(--line);padding:8px;white-space:pre-wrap;\
      word-break:break-all}
      .sig{font-weight:600;padding:2px 8px;border-radius:4px;display:inline-block}
      .sig.VALID{background:#dafbe1;color:var(--ok)}
      .sig.NOT_CHECKED,.sig.UNSIGNED{background:#fff8c5;color:var(--warn)}
      .sig.INVALID{background:#ffebe9;color:var(--bad)}
      #heatmap{white-space:pre-wrap;border:1px solid var(--line);padding:10px;line-height:1.9;\
      unicode-bidi:isolate;overflow-wrap:anywhere}
      .tok{unicode-bidi:isolate;border-radius:2px}
      .tok.g{background:var(--green)}.tok.r{background:var(--red)}.tok.n{color:var(--muted)}
      .legend-box{display:inline-block;width:14px;height:14px;vertical-align:middle;\
      border:1px solid var(--line);margin:0 4px 0 12px}
      .note{color:var(--muted);font-size:14px}
      .warn{color:var(--bad);font-weight:600}
      svg.chart{width:100%;height:auto;display:block;margin:8px 0}
      svg .axis{stroke:#57606a;stroke-width:1}
      svg .tick,svg .legend,svg .axis-label{font-size:11px;fill:#57606a}
      svg polyline{fill:none;stroke-width:2}
      svg .observed{stroke:#0969da}svg .threshold{stroke:#cf222e;stroke-dasharray:6 4}
      svg .expected{stroke:#8c959f;stroke-dasharray:2 3;stroke-width:2}
      svg .bar{fill:#0969da;opacity:.8}
      svg .band{fill:#8c959f;opacity:.25}svg .null{stroke:#57606a;stroke-width:2;\
      stroke-dasharray:4 3}svg .ci{stroke:#cf222e;stroke-width:4}svg .obs{fill:#cf222e}
      @media print{body{margin:0;max-width:none;font-size:12px}section{break-inside:avoid}\
      pre{white-space:pre-wrap}}
      """;

  private Report() {}

  /** The whole HTML document for {@code in}. */
  public static String render(ReportInput in) {
    Html h = new Html();
    String title = "Telltale " + in.kind().label() + " report";
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<title>")
        .text(title)
        .raw("</title>\n<style>\n")
        .raw(CSS)
        .raw("</style>\n</head>\n<body>\n<header>\n<h1>")
        .text(title)
        .raw("</h1>\n<p class=\"sub\">From <bdi>")
        .text(in.source())
        .raw("</bdi>");
    in.statement().ifPresent(s -> h.raw(", recorded ").text(s.time().toString()));
    h.raw(". Signature: ");
    signatureBadge(h, in.signature());
    h.raw("</p>\n</header>\n");
    switch (in.kind()) {
      case DETECTION -> DetectionSection.render(h, in);
      case SCAN -> ScanSection.render(h, in.result(), alpha(in));
      case RADIOACTIVITY -> RadioactivitySection.render(h, in.result());
      case ATTRIBUTION -> AttributionSection.render(h, in.result());
    }
    evidence(h, in);
    reverify(h, in);
    h.raw("<footer class=\"note\"><p>Generated by telltale report. This file is self-contained:")
        .raw(" it loads nothing from anywhere.</p></footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void signatureBadge(Html h, SignatureStatus s) {
    String cls =
        switch (s.code()) {
          case SignatureStatus.VALID, SignatureStatus.NOT_CHECKED, SignatureStatus.UNSIGNED ->
              s.code();
          default -> "INVALID";
        };
    h.raw("<span id=\"signature\" class=\"sig ").text(cls).raw("\">").text(s.headline());
    h.raw("</span>");
  }

  /** The significance level the scan's verdict uses: the recorded {@code --alpha}, else 1e-6. */
  static double alpha(ReportInput in) {
    if (in.result().has("alpha")) {
      return in.result().get("alpha").asDouble();
    }
    List<String> argv = command(in);
    int i = argv.indexOf("--alpha");
    if (i >= 0 && i + 1 < argv.size()) {
      try {
        return Double.parseDouble(argv.get(i + 1));
      } catch (NumberFormatException e) {
        // fall through to the default
      }
    }
    return 1e-6;
  }

  private static List<String> command(ReportInput in) {
    return in.statement().map(EvidenceStatement::command).orElse(List.of());
  }

  private static void evidence(Html h, ReportInput in) {
    h.raw("<section id=\"evidence\">\n<h2>Evidence</h2>\n<table>\n");
    h.raw("<tr><th>Signature</th><td>");
    signatureBadge(h, in.signature());
    h.raw(" ").text(in.signature().detail()).raw("</td></tr>\n");
    if (in.statement().isEmpty()) {
      h.raw("</table>\n<p class=\"note\">This is a bare result, not a signed statement: it")
          .raw(" names no tested inputs by digest. Emit it with <code>--evidence FILE</code>")
          .raw(" to get a signed in-toto statement a third party can check.</p>\n</section>\n");
      return;
    }
    EvidenceStatement s = in.statement().get();
    h.row("Statement type", EvidenceStatement.TYPE);
    h.row("Predicate type", s.kind().predicateType());
    h.row("Method", s.method());
    KeyCommitment key = s.key();
    h.row("Watermark key", key.keyId() + " (" + key.scheme() + ")");
    h.row("Key parameters", parameters(key.parameters()));
    h.raw("<tr><th>Key commitment</th><td class=\"digest\">")
        .text(key.commitment())
        .raw("</td></tr>\n");
    if (s.keysTested().size() > 1) {
      StringBuilder ids = new StringBuilder();
      for (KeyCommitment k : s.keysTested()) {
        ids.append(ids.length() == 0 ? "" : ", ").append(k.keyId());
      }
      h.row("Keys tested", s.keysTested().size() + ": " + ids);
    }
    if (!s.dedup().isEmpty()) {
      dedup(h, s.dedup());
    }
    h.row("Software", EvidenceStatement.SOFTWARE + " " + s.softwareVersion());
    h.row("Time", s.time().toString());
    h.raw("</table>\n<h3>Subjects</h3>\n<table class=\"list\" id=\"subjects\">\n")
        .raw("<tr><th>Tested input</th><th>SHA-256</th></tr>\n");
    for (Subject sub : s.subjects()) {
      h.raw("<tr><td><bdi>")
          .text(sub.name())
          .raw("</bdi></td><td class=\"digest\">")
          .text(sub.sha256())
          .raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");
  }

  /**
   * The statement's {@code dedup} block ({@code DedupUnit.block}) in words: whether it was on, over
   * what one tape ran, the unit counted once for the named key, and one line per key tested. Fields
   * a later version adds are shown as name and value.
   */
  private static void dedup(Html h, JsonNode d) {
    StringBuilder b = new StringBuilder();
    if (d.has("enabled")) {
      b.append(d.get("enabled").asBoolean() ? "on" : "OFF");
    }
    if (d.has("scope")) {
      b.append(b.length() == 0 ? "" : ", ").append("scope ").append(d.get("scope").asText());
    }
    if (d.has("unit")) {
      b.append(b.length() == 0 ? "" : "; ").append("counted once: ").append(d.get("unit").asText());
    }
    d.fields()
        .forEachRemaining(
            e -> {
              if (!DEDUP_FIELDS.contains(e.getKey())) {
                b.append(b.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue());
              }
            });
    h.raw("<tr><th>Deduplication</th><td id=\"dedup\"><bdi>").text(b.toString()).raw("</bdi>");
    JsonNode units = d.path("units");
    if (units.isArray() && !units.isEmpty()) {
      h.raw("\n<ul id=\"dedup-units\">\n");
      for (JsonNode u : units) {
        h.raw("<li>key <bdi>")
            .text(u.path("key_id").asText("?"))
            .raw("</bdi>: counted once: <bdi>")
            .text(u.path("unit").asText("?"))
            .raw("</bdi></li>\n");
      }
      h.raw("</ul>\n");
    }
    h.raw("</td></tr>\n");
  }

  /** {@code {"gamma":0.25,"self_hash":false}} as {@code gamma 0.25, self_hash false}. */
  private static String parameters(JsonNode o) {
    StringBuilder b = new StringBuilder();
    o.fields()
        .forEachRemaining(
            e ->
                b.append(b.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue()));
    return b.toString();
  }

  private static void reverify(Html h, ReportInput in) {
    h.raw("<section id=\"reverify\">\n<h2>How to re-verify</h2>\n");
    List<String> argv = command(in);
    if (in.statement().isPresent()) {
      in.reverifyFiles()
          .ifPresent(f -> h.raw("<p id=\"reverify-files\">").text(f.fetch()).raw("</p>\n"));
      h.raw("<p>Check the signature and the subject digests against the files, and re-run the")
          .raw(" recorded command with the watermark key; the statistics must come out the")
          .raw(" same:</p>\n<pre id=\"verify-command\"><code>")
          .text(
              in.reverifyFiles().isPresent()
                  ? verifyCommand(in.reverifyFiles().get(), in.statement().get())
                  : verifyCommand(in.source(), in.statement().get()))
          .raw("</code></pre>\n");
      if (!argv.isEmpty()) {
        h.raw("<p>The recorded command:</p>\n<pre id=\"recorded-command\"><code>")
            .text(shellLine(argv))
            .raw("</code></pre>\n");
      }
    } else {
      h.raw("<p>Re-run the command with the watermark key on the same input and compare the")
          .raw(" statistics:</p>\n<pre id=\"verify-command\"><code>")
          .text("telltale " + rerunHint(in.kind()))
          .raw("</code></pre>\n");
    }
    h.raw("</section>\n");
  }

  /** {@code telltale evidence verify} with the subjects to check and the re-run. */
  static String verifyCommand(String envelope, EvidenceStatement s) {
    return verifyCommand(
        new ReverifyFiles(envelope, "PUBLIC-KEYS.json", java.util.Optional.empty(), ""), s);
  }

  /** The same with the fetched files' names, and the inclusion proof when there is one. */
  static String verifyCommand(ReverifyFiles f, EvidenceStatement s) {
    StringBuilder b = new StringBuilder("telltale evidence verify ");
    b.append(shell(f.envelope())).append(" --public ").append(shell(f.publicKeys()));
    f.proof().ifPresent(p -> b.append(" --proof ").append(shell(p)));
    for (Subject sub : s.subjects()) {
      b.append(" --subject ").append(shell(sub.name()));
    }
    return b.append(" --rerun --keys KEYS.json").toString();
  }

  private static String rerunHint(EvidenceKind k) {
    return switch (k) {
      case DETECTION -> "detect --keys KEYS.json --json --explain TEXT-FILE";
      case SCAN -> "scan --keys KEYS.json --json CORPUS...";
      case RADIOACTIVITY -> "radioactivity --keys KEYS.json --json EXCHANGES.jsonl";
      case ATTRIBUTION -> "attribute --keys KEYS.json --json FILES...";
    };
  }

  /** An argument quoted for a POSIX shell when it needs it. */
  static String shell(String arg) {
    if (!arg.isEmpty() && SAFE_ARG.matcher(arg).matches()) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  static String shellLine(List<String> argv) {
    StringBuilder b = new StringBuilder();
    for (String a : argv) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(shell(a));
    }
    return b.toString();
  }
}
