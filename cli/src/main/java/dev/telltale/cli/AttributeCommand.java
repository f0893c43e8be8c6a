package dev.telltale.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.forensics.AccountCandidate;
import dev.telltale.forensics.Attribution;
import dev.telltale.forensics.AttributionPolicy;
import dev.telltale.forensics.CorpusAttribution;
import dev.telltale.forensics.DocumentAttribution;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
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
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String CORRECTION =
      "largest per-position binomial tail, Bonferroni over positions x (colours - 1)";

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
      description = "Tokenizer of the generator: cl100k_base (default) or o200k_base.")
  String tokenizer;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE|DIR",
      description = "Text file, folder of text files, or - for stdin.")
  String input;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    KeySet set = KeysCommand.load(keys);
    List<WatermarkKey> payloadKeys =
        set.keys().stream()
            .filter(k -> k.parameters() instanceof GreenListParameters g && g.payload().isPresent())
            .toList();
    if (payloadKeys.isEmpty()) {
      throw new BadInputException(
          "key set '" + keys + "' has no key with an account payload (payload_bits)");
    }
    AttributionPolicy policy;
    try {
      // Each payload key is a separate zero-bit test: Bonferroni over them keeps the gate's level.
      policy =
          new AttributionPolicy(
              DetectionPolicy.defaults().withAlpha(detectAlpha / payloadKeys.size()), alpha, top);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    Tokenizer tok = DetectCommand.tokenizer(tokenizer);
    List<Attribution> attributions = new ArrayList<>();
    for (WatermarkKey k : payloadKeys) {
      attributions.add(Attribution.of(k, tok, policy));
    }
    List<String> names = new ArrayList<>();
    List<DocumentAttribution> docs = new ArrayList<>();
    for (Path p : documents()) {
      names.add(p == null ? "-" : p.toString());
      docs.add(best(attributions, InputText.read(p == null ? null : p.toString(), System.in)));
    }
    CorpusAttribution corpus = Attribution.combine(docs, alpha);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(json(names, corpus, attributions.get(0)).toString());
    } else {
      printHuman(out, names, corpus);
    }
    out.flush();
    return corpus.accounts().isEmpty() ? ExitCode.NOT_DETECTED : ExitCode.OK;
  }

  private List<Path> documents() {
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

  /** The attribution under the key whose zero-bit test is most significant. */
  private static DocumentAttribution best(List<Attribution> attributions, String text) {
    DocumentAttribution best = null;
    for (Attribution a : attributions) {
      DocumentAttribution d = a.attributeText(text);
      if (best == null || rank(d) < rank(best)) {
        best = d;
      }
    }
    return best;
  }

  // Decoded results first, then by zero-bit p-value.
  private static double rank(DocumentAttribution d) {
    return (d.outcome() == DocumentAttribution.Outcome.NOT_WATERMARKED ? 1e6 : 0)
        + d.zeroBit().log10PValue();
  }

  private ObjectNode json(List<String> names, CorpusAttribution c, Attribution any) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("tokenizer", any.tokenizer().name());
    o.put("alpha", alpha);
    o.put("detect_alpha", detectAlpha);
    o.put("correction", CORRECTION);
    ArrayNode docs = o.putArray("documents");
    for (int i = 0; i < names.size(); i++) {
      DocumentAttribution d = c.documents().get(i);
      ObjectNode n = docs.addObject();
      n.put("document", names.get(i));
      n.put("key_id", d.zeroBit().keyId().value());
      n.put("tokens", d.zeroBit().tokens());
      n.put("scored_tokens", d.zeroBit().scoredTokens());
      n.put("zero_bit_p_value", d.zeroBit().pValue());
      n.put("log10_zero_bit_p_value", d.zeroBit().log10PValue());
      n.put("outcome", d.outcome().label());
      n.put("votes", d.votes());
      if (d.account().isPresent()) {
        n.put("account", d.account().getAsLong());
      } else {
        n.putNull("account");
      }
      d.decoded()
          .ifPresent(
              a -> {
                n.put("decoded_account", a.account());
                putP(n, "corrected_p_value", a.correctedP());
              });
      n.put("holm_adjusted_p_value", c.holmAdjusted().get(i).pValue());
      ArrayNode cands = n.putArray("candidates");
      for (AccountCandidate a : d.candidates()) {
        ObjectNode cn = cands.addObject();
        cn.put("account", a.account());
        cn.put("matches", a.matches());
        putP(cn, "p_value", a.candidateP());
        putP(cn, "corrected_p_value", a.correctedP());
      }
    }
    ArrayNode accounts = o.putArray("accounts");
    for (CorpusAttribution.AccountFinding f : c.accounts()) {
      ObjectNode a = accounts.addObject();
      a.put("account", f.account());
      a.put("documents", f.documents());
      putP(a, "p_value", f.pValue());
    }
    return o;
  }

  private static void putP(ObjectNode n, String name, TailProbability p) {
    n.put(name, p.pValue());
    n.put("log10_" + name, p.log10PValue());
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
      }
      if (d.outcome() == DocumentAttribution.Outcome.INCONCLUSIVE) {
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
