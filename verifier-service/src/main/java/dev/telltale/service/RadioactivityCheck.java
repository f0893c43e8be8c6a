package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Deadline;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.TokenizerIdentity;
import dev.telltale.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The radioactivity route's work: did a suspect model learn from our watermarked outputs, judged
 * from its answers to prompts (closed-model mode), answered with {@link ScanJson#radioactivity},
 * the object {@code telltale radioactivity --json} prints. Blocking (CPU): call it off the event
 * loop.
 */
final class RadioactivityCheck {
  /**
   * Exchanges per request; the rate limit charges one unit per request, so this bounds the work.
   */
  static final int MAX_ANSWERS = 1000;

  /** Significance level of the verdict when the request names none: the CLI's default. */
  static final double DEFAULT_ALPHA = 1e-6;

  private final KeySet keys;
  private final int maxTextChars;

  private final ServiceTokenizers tokenizers;

  RadioactivityCheck(KeySet keys, int maxTextChars) {
    this(keys, maxTextChars, ServiceTokenizers.builtIn());
  }

  /** With the configured tokenizer files ({@code tokenizers.files}) besides the built-in ones. */
  RadioactivityCheck(KeySet keys, int maxTextChars, ServiceTokenizers tokenizers) {
    this.keys = keys;
    this.maxTextChars = maxTextChars;
    this.tokenizers = tokenizers;
  }

  /** One exchange of a request: the prompt put to the suspect model and its answer. */
  record Answer(String prompt, String answer) {}

  /** A request that passed the RadioactivityRequest schema. */
  record Request(
      List<Answer> answers,
      Optional<String> keyId,
      double alpha,
      String promptFilter,
      String tokenizer) {

    static Request fromJson(JsonNode n) {
      List<Answer> answers = new ArrayList<>();
      for (JsonNode a : n.get("answers")) {
        answers.add(new Answer(a.get("prompt").textValue(), a.get("answer").textValue()));
      }
      return new Request(
          List.copyOf(answers),
          n.has("key_id") ? Optional.of(n.get("key_id").textValue()) : Optional.empty(),
          n.has("alpha") ? n.get("alpha").doubleValue() : DEFAULT_ALPHA,
          n.has("prompt_filter") ? n.get("prompt_filter").textValue() : "own",
          n.has("tokenizer") ? n.get("tokenizer").textValue() : Tokenizers.CL100K_BASE);
    }
  }

  /** The answer and what the audit log keeps of it. */
  record Outcome(
      ObjectNode json,
      RadioactivityResult strongest,
      boolean radioactive,
      boolean validTest,
      int tokens) {
    /** {@code radioactive}, {@code not_radioactive} or {@code not_a_valid_test} (exploratory). */
    String verdict() {
      if (!validTest) {
        return ScanJson.NOT_A_VALID_TEST;
      }
      return radioactive ? "radioactive" : "not_radioactive";
    }
  }

  /**
   * Refuses {@code ?evidence=true} for an exploratory request ({@code prompt_filter: "none"}): its
   * p-value is not valid, so it can never be signed.
   */
  static void checkSignable(Request r, boolean evidenceAsked) {
    if (evidenceAsked && promptFilter(r.promptFilter()) == RadioactivityTest.PromptFilter.NONE) {
      throw ProblemException.badRequest(
          "exploratory-mode",
          "prompt_filter \"none\" is exploratory (not a valid test) and cannot be signed");
    }
  }

  Outcome test(Request r) {
    return test(r, Deadline.NONE);
  }

  /** Tests, checking {@code deadline} while tokenising and between keys. */
  Outcome test(Request r, Deadline deadline) {
    long chars =
        r.answers().stream().mapToLong(a -> (long) a.prompt().length() + a.answer().length()).sum();
    if (chars > maxTextChars) {
      throw new ProblemException(
          413,
          "text-too-long",
          "Content too large",
          "the prompts and answers have "
              + chars
              + " characters in all; the limit is "
              + maxTextChars);
    }
    List<WatermarkKey> tested = keys(r.keyId());
    Tokenizer tok = tokenizers.get(r.tokenizer());
    List<RadioactivityTest.Exchange> exchanges = new ArrayList<>(r.answers().size());
    int tokens = 0;
    for (Answer a : r.answers()) {
      // Normalised and tokenised as the CLI does for each JSONL line.
      int[] answer = tok.encode(TextNormalizer.normalize(a.answer()), deadline);
      exchanges.add(
          new RadioactivityTest.Exchange(
              tok.encode(TextNormalizer.normalize(a.prompt()), deadline), answer));
      tokens += answer.length;
    }
    RadioactivityTest.Options options =
        new RadioactivityTest.Options(true, promptFilter(r.promptFilter()));
    List<RadioactivityResult> results = new ArrayList<>(tested.size());
    for (WatermarkKey k : tested) {
      deadline.check();
      results.add(RadioactivityTest.of(k, tok, options, Optional.empty()).closedModel(exchanges));
    }
    return new Outcome(
        TokenizerIdentity.putIfFile(
            ScanJson.radioactivity(results, r.alpha(), true, r.promptFilter(), 0), tok),
        ScanJson.strongest(results),
        ScanJson.isRadioactive(results, r.alpha()),
        ScanJson.validTest(results),
        tokens);
  }

  /** The CLI's {@code --prompt-filter} choices (the schema admits no others). */
  static RadioactivityTest.PromptFilter promptFilter(String name) {
    return switch (name) {
      case "own" -> RadioactivityTest.PromptFilter.OWN_PROMPT;
      case "all" -> RadioactivityTest.PromptFilter.ALL_PROMPTS;
      case "none" -> RadioactivityTest.PromptFilter.NONE;
      default -> throw ProblemException.badRequest("schema-violation", "unknown prompt_filter");
    };
  }

  /** The named key (404 when unknown) or every key of the key set, as the CLI tests them. */
  private List<WatermarkKey> keys(Optional<String> keyId) {
    if (keyId.isPresent()) {
      return List.of(
          keys.get(KeyId.of(keyId.get()))
              .orElseThrow(
                  () -> ProblemException.notFound("unknown-key", "no key with this key_id")));
    }
    return keys.keys();
  }
}
