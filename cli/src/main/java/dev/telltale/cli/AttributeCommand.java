package dev.telltale.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DedupUnit;
import dev.telltale.detect.DetectionJson;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.Subject;
import dev.telltale.forensics.attribution.AccountCandidate;
import dev.telltale.forensics.attribution.AttributionJson;
import dev.telltale.forensics.attribution.CorpusAttribution;
import dev.telltale.forensics.attribution.DocumentAttribution;
import dev.telltale.forensics.attribution.KeySetAttribution;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale attribute}: which account's payload a text (or a folder of texts) carries. */
@Command(
    name = "attribute",
    description = {
      "Name the account whose payload a text carries. The zero-bit test of each payload key",
      "must pass first; the decoded account gets a p-value corrected over the payload space,",
      "with the top candidates when the evidence is weak. A folder is read file by file and",
      "accounts are named with Holm's correction over its documents.",
      "Exit 0 when an account is attributed, 1 when none is, 2 on bad input."
    })
final class AttributeCommand implements Callable<Integer> {
  @Option(names = "--keys", required = true, description = "Key set file.")
  Path keys;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--top",
      defaultValue = "5",
      description = "Candidates listed per document, 1..1000 (default ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--alpha",
      defaultValue = "1e-3",
      description = "Level at which an account is named (default ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--detect-alpha",
      defaultValue = "1e-6",
      description = "Level of the zero-bit test that gates decoding (default ${DEFAULT-VALUE}).")
  double detectAlpha;

  @Option(
      names = "--tokenizer",
      defaultValue = Tokenizers.CL100K_BASE,
      description =
          "Tokenizer of the generator: cl100k_base (default), o200k_base, or the path of a"
              + " Hugging Face tokenizer.json.")
  String tokenizer;

  @Parameters(
      arity = "0..*",
      paramLabel = "FILE|DIR",
      description =
          "Text file, folder of text files, or - for stdin; several files are documents in the"
              + " order given.")
  List<String> inputs = new ArrayList<>();

  @Mixin EvidenceOption evidence;
  @Mixin TokenizerCheckOption tokenizerCheck;

  @Mixin KeyIdOption keyId;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    KeySet set = keyId.select(KeysCommand.load(keys));
    evidence.checkCanSign(set);
    List<WatermarkKey> payloadKeys = KeySetAttribution.payloadKeys(set);
    if (payloadKeys.isEmpty()) {
      throw new BadInputException(
          "key set '" + keys + "' has no key with an account payload (payload_bits)");
    }
    Tokenizer tok = DetectCommand.tokenizer(tokenizer);
    tokenizerCheck.check(keys, tok);
    KeySetAttribution run;
    try {
      run = KeySetAttribution.of(payloadKeys, tok, alpha, detectAlpha, top);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    List<String> names = new ArrayList<>();
    List<DocumentAttribution> docs = new ArrayList<>();
    List<Subject> subjects = new ArrayList<>();
    for (Path p : documents()) {
      names.add(p == null ? "-" : p.toString());
      String text = InputText.read(p == null ? null : p.toString(), System.in);
      subjects.add(EvidenceOption.textSubject(p == null ? null : p.toString(), text));
      docs.add(run.attributeText(text));
    }
    CorpusAttribution corpus = run.combine(docs);
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode resultJson = AttributionJson.of(run, names, corpus);
    if (evidence.requested()) {
      evidence.write(
          spec,
          set,
          EvidenceKind.ATTRIBUTION,
          "kgw-payload",
          subjects,
          payloadKeys,
          k -> DedupUnit.block(DedupUnit.Scope.DOCUMENT, true, k, payloadKeys),
          resultJson);
    }
    if (json) {
      out.println(resultJson.toString());
    } else {
      printHuman(out, names, corpus);
    }
    out.flush();
    return corpus.accounts().isEmpty() ? ExitCode.NOT_DETECTED : ExitCode.OK;
  }

  private List<Path> documents() {
    if (inputs.size() > 1) {
      List<Path> files = new ArrayList<>();
      for (String f : inputs) {
        if (f.equals("-") || Files.isDirectory(Path.of(f))) {
          throw new BadInputException(
              "several inputs must all be files ('" + f + "' is not); give a folder alone");
        }
        files.add(Path.of(f));
      }
      return files;
    }
    String input = inputs.isEmpty() ? null : inputs.get(0);
    if (input == null || input.equals("-")) {
      return java.util.Collections.singletonList(null);
    }
    Path p = Path.of(input);
    if (!Files.isDirectory(p)) {
      return List.of(p);
    }
    try (Stream<Path> s = Files.list(p)) {
      List<Path> files =
          s.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
      if (files.isEmpty()) {
        throw new BadInputException("folder '" + input + "' holds no text files");
      }
      return files;
    } catch (IOException e) {
      throw new BadInputException("cannot list folder '" + input + "': " + e.getMessage(), e);
    }
  }

  private void printHuman(PrintWriter out, List<String> names, CorpusAttribution c) {
    for (int i = 0; i < names.size(); i++) {
      DocumentAttribution d = c.documents().get(i);
      if (names.size() > 1) {
        out.printf("document   %s%n", names.get(i));
      }
      out.printf(
          "zero-bit   key %s, %d tokens, %d scored, p %s%n",
          d.zeroBit().keyId(),
          d.zeroBit().tokens(),
          d.zeroBit().scoredTokens(),
          format(d.zeroBit().global()));
      switch (d.outcome()) {
        case NOT_WATERMARKED ->
            out.printf("account    not decoded: the zero-bit test did not pass%n");
        case ATTRIBUTED ->
            out.printf(
                "account    %d (corrected p %s, %d payload votes)%n",
                d.account().getAsLong(), format(d.correctedP()), d.votes());
        case INCONCLUSIVE ->
            out.printf(
                "account    no attribution at alpha %s (%d payload votes); candidates:%n",
                alpha, d.votes());
        case MIXED_SOURCES ->
            out.printf(
                "account    MIXED SOURCES: the text carries more than one account's payload (%d"
                    + " payload votes); no account is named; candidates:%n",
                d.votes());
      }
      if (d.outcome() == DocumentAttribution.Outcome.INCONCLUSIVE
          || d.outcome() == DocumentAttribution.Outcome.MIXED_SOURCES) {
        for (AccountCandidate a : d.candidates()) {
          out.printf(
              "           %-10d matches %d, p %s, corrected %s%n",
              a.account(), a.matches(), format(a.candidateP()), format(a.correctedP()));
        }
      }
    }
    if (names.size() > 1) {
      out.printf(
          "accounts   %d named over %d documents (Holm)%n", c.accounts().size(), names.size());
      for (CorpusAttribution.AccountFinding f : c.accounts()) {
        out.printf(
            "           %-10d %d documents, p %s%n",
            f.account(), f.documents(), format(f.pValue()));
      }
    }
  }

  private static String format(TailProbability p) {
    return DetectionJson.formatP(p.pValue(), p.log10PValue());
  }
}
