package dev.telltale.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionJson;
import dev.telltale.embed.Watermarker;
import dev.telltale.forensics.attribution.CorpusAttribution;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.testdata.DistillationStory;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telltale demo}: the distillation story in a few minutes. The teacher serves watermarked
 * outputs to many accounts, a rival distils students from them at several rho, the investigator
 * tests each student for radioactivity, a corpus scan finds the published outputs in a larger human
 * corpus, and attribution names the accounts they were served to.
 */
@Command(
    name = "demo",
    description = {
      "The distillation story: a teacher serves watermarked outputs to many accounts; students",
      "are distilled at rho = 0, 1%%, 10%%, 100%%; the radioactivity test examines each; a corpus",
      "scan finds the harvested documents in a larger human corpus; attribution names the",
      "accounts they were served to. Writes keys, the scanned corpus, the served outputs, each",
      "student's answers and the scan's suspects (suspects/) to --out."
    })
final class DemoCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--out",
      defaultValue = "telltale-demo",
      description = "Folder for the demo's files (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print one JSON object (progress goes to stderr).")
  boolean json;

  @Option(names = "--seed", defaultValue = "7", description = "Sampling seed.")
  long seed;

  @Option(names = "--alpha", defaultValue = "1e-6", description = "Significance level.")
  double alpha;

  @Option(names = "--quick", description = "Tiny sizes (seconds; statistics too weak to judge).")
  boolean quick;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!(alpha > 0 && alpha < 1)) {
      throw new BadInputException("--alpha must be in (0, 1), got " + alpha);
    }
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter log = json ? spec.commandLine().getErr() : o;
    long t0 = System.nanoTime();
    Files.createDirectories(out);
    PayloadParameters payload = PayloadParameters.defaults();
    WatermarkKey key =
        WatermarkKey.generate(
            KeyId.of("demo-kgw"),
            GreenListParameters.defaults().withPayload(payload),
            new SecureRandom());
    Path keyFile = out.resolve("keys.json");
    try {
      KeySetFile.write(keyFile, KeySet.of(key.id(), List.of(key)), true);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    log.printf(
        "keys       fresh kgw key (gamma 0.25, delta 2, h 2; %d-bit account payload) -> %s%n",
        payload.bits(), keyFile);
    log.flush();
    DistillationStory.Config config =
        quick ? DistillationStory.Config.quick(seed) : DistillationStory.Config.demo(seed);
    // Each account's outputs carry its id on top of the zero-bit watermark every account shares.
    long[] accountIds = DistillationStory.accountIds(config.accounts(), payload, seed);
    Watermarker[] perAccount = new Watermarker[accountIds.length];
    for (int a = 0; a < accountIds.length; a++) {
      perAccount[a] = Watermarker.forAccount(key, accountIds[a], Tokenizers.cl100kBase());
    }
    IntFunction<Watermarker> accountWatermarker = account -> perAccount[account];
    // The scan's work folder belongs to one corpus: a previous demo's is dropped.
    ScanCommand.deleteTree(out.resolve("scan-work"));
    DistillationStory.Outcome outcome =
        DistillationStory.run(
            key,
            accountWatermarker,
            config,
            out.resolve("scan-work"),
            line -> {
              log.println(line);
              log.flush();
            });
    Tokenizer tok = Tokenizers.cl100kBase();
    writeFiles(outcome, tok, accountIds);

    ObjectNode j = JSON.createObjectNode();
    j.put("key_id", key.id().value());
    j.put("alpha", alpha);
    j.put("accounts", config.accounts());
    j.put("harvested_outputs", outcome.harvest().size());
    ArrayNode students = j.putArray("students");
    for (DistillationStory.Student s : outcome.students()) {
      ObjectNode n = students.addObject();
      n.put("rho", s.rho());
      put(n, s.test());
      ObjectNode sup = n.putObject("supervised");
      put(sup, s.supervised());
      n.put("radioactive", s.test().p().log10PValue() <= Math.log10(alpha));
    }
    DistillationStory.Scan scan = outcome.scan();
    ObjectNode sc = j.putObject("scan");
    sc.setAll(ScanJson.of(scan.result()));
    sc.put("published_harvested", scan.published());
    sc.put("human_documents", scan.human());
    sc.put("harvested_found", scan.publishedFound());
    sc.put("human_flagged", scan.humanFlagged());
    DistillationStory.Attributed attributed = outcome.attribution().orElseThrow();
    ObjectNode at = j.putObject("attribution");
    at.put("alpha", attributed.result().alpha());
    at.put("documents_tested", attributed.documentIds().size());
    at.put("documents_attributed", attributed.documentsAttributed());
    ArrayNode named = at.putArray("accounts_named");
    for (CorpusAttribution.AccountFinding f : attributed.result().accounts()) {
      ObjectNode n = named.addObject();
      n.put("account", f.account());
      n.put("documents", f.documents());
      n.put("p_value", f.pValue().pValue());
      n.put("log10_p_value", f.pValue().log10PValue());
    }
    at.put("true_accounts_named", attributed.trueAccountsNamed());
    at.put("wrong_attributions", attributed.wrongAttributions());
    at.put("human_documents_tested", attributed.humanTested());
    at.put("human_documents_attributed", attributed.humanAttributed());
    at.put("inconclusive", attributed.inconclusive());
    at.put("true_account_in_candidates", attributed.trueInCandidates());

    if (json) {
      o.println(j);
    } else {
      printTables(o, outcome, scan);
      printAttribution(o, attributed, config.accounts());
      o.printf(
          "%nFiles in %s; try:%n"
              + "  ./telltale radioactivity --keys %s %s%n"
              + "  ./telltale scan --keys %s %s%n"
              + "  ./telltale attribute --keys %s %s%n"
              + "done in %.0f s%n",
          out,
          keyFile,
          out.resolve("answers-rho-10.jsonl"),
          keyFile,
          out.resolve("corpus.jsonl"),
          keyFile,
          out.resolve("suspects"),
          (System.nanoTime() - t0) / 1e9);
    }
    o.flush();
    return ExitCode.OK;
  }

  private static void put(ObjectNode n, RadioactivityResult r) {
    n.put("scored_tuples", r.scoredTuples());
    n.put("green_share", r.share());
    n.put("p_value", r.p().pValue());
    n.put("log10_p_value", r.p().log10PValue());
  }

  private void printTables(
      PrintWriter o, DistillationStory.Outcome outcome, DistillationStory.Scan s) {
    o.println();
    o.printf(
        "Radioactivity (answers to %d watermarked queries; one global tape; prompt windows%n",
        outcome.students().get(0).exchanges().size());
    o.println(
        "skipped; 'supervised' scores only windows frequent in human reference text, chosen"
            + " without the key)");
    o.printf(
        "%-8s %8s %8s %12s %10s %12s %-16s%n",
        "rho", "scored", "green", "p-value", "sup.green", "sup.p-value", "verdict");
    for (DistillationStory.Student st : outcome.students()) {
      RadioactivityResult r = st.test();
      RadioactivityResult u = st.supervised();
      o.printf(
          "%-8s %8d %7.2f%% %12s %9.2f%% %12s %-16s%n",
          String.format("%.0f%%", 100 * st.rho()),
          r.scoredTuples(),
          100 * r.share(),
          DetectionJson.formatP(r.p().pValue(), r.p().log10PValue()),
          100 * u.share(),
          DetectionJson.formatP(u.p().pValue(), u.p().log10PValue()),
          r.p().log10PValue() <= Math.log10(alpha) ? "RADIOACTIVE" : "not radioactive");
    }
    o.println();
    o.printf(
        "Corpus scan: %d documents (%d human Europarl, %d published harvested outputs)%n",
        s.result().documents(), s.human(), s.published());
    o.printf(
        "  pooled over %d distinct tuples: green %.1f%%, p %s%n",
        s.result().best().scoredTuples(),
        100 * s.result().best().score() / Math.max(1, s.result().best().scoredTuples()),
        DetectionJson.formatP(s.result().pooled().pValue(), s.result().pooled().log10PValue()));
    o.printf(
        "  suspects at FDR %s: %d; harvested found %d of %d, human flagged %d of %d%n",
        s.result().fdr(),
        s.result().suspectCount(),
        s.publishedFound(),
        s.published(),
        s.humanFlagged(),
        s.human());
  }

  private static void printAttribution(
      PrintWriter o, DistillationStory.Attributed a, int accounts) {
    o.println();
    o.printf(
        "Attribution of the %d suspects (each decoded alone after the zero-bit test; Holm over%n",
        a.documentIds().size());
    o.printf("documents, account level %s on the corrected p-value)%n", a.result().alpha());
    o.printf(
        "  %d documents attributed to %d accounts, %d of them among the %d harvesting accounts;"
            + " wrong attributions: %d%n",
        a.documentsAttributed(),
        a.result().accounts().size(),
        a.trueAccountsNamed(),
        accounts,
        a.wrongAttributions());
    o.printf(
        "  human documents among the suspects: %d, attributed: %d%n",
        a.humanTested(), a.humanAttributed());
    o.printf(
        "  inconclusive (watermarked, too short to name one account): %d; true account among"
            + " their top candidates: %d%n",
        a.inconclusive(), a.trueInCandidates());
    int shown = 0;
    for (CorpusAttribution.AccountFinding f : a.result().accounts()) {
      if (shown++ == 5) {
        o.printf("  ... %d more%n", a.result().accounts().size() - 5);
        break;
      }
      o.printf(
          "  account %8d: %d document(s), p %s%n",
          f.account(),
          f.documents(),
          DetectionJson.formatP(f.pValue().pValue(), f.pValue().log10PValue()));
    }
  }

  private void writeFiles(DistillationStory.Outcome outcome, Tokenizer tok, long[] accountIds)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(out.resolve("corpus.jsonl"))) {
      for (Document d : outcome.scan().corpus()) {
        w.write(JSON.writeValueAsString(Map.of("id", d.id(), "text", d.text())));
        w.newLine();
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(out.resolve("served.jsonl"))) {
      for (var h : outcome.harvest()) {
        w.write(
            JSON.writeValueAsString(
                Map.of("account", accountIds[h.account()], "text", tok.decode(h.output()))));
        w.newLine();
      }
    }
    // The scan's suspects, one file each, for `telltale attribute` on the folder.
    Path suspects = out.resolve("suspects");
    Files.createDirectories(suspects);
    try (var old = Files.list(suspects)) { // a previous run's suspects
      for (Path f : old.filter(f -> f.toString().endsWith(".txt")).toList()) {
        Files.delete(f);
      }
    }
    java.util.Set<String> ids = new java.util.HashSet<>(outcome.scan().result().suspectIds());
    for (Document d : outcome.scan().corpus()) {
      if (ids.contains(d.id())) {
        Files.writeString(suspects.resolve(d.id() + ".txt"), d.text());
      }
    }
    for (DistillationStory.Student s : outcome.students()) {
      String name = String.format("answers-rho-%d.jsonl", Math.round(100 * s.rho()));
      try (BufferedWriter w = Files.newBufferedWriter(out.resolve(name))) {
        for (RadioactivityTest.Exchange e : s.exchanges()) {
          w.write(
              JSON.writeValueAsString(
                  Map.of("prompt", tok.decode(e.prompt()), "answer", tok.decode(e.answer()))));
          w.newLine();
        }
      }
    }
  }
}
