package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.telltale.text.Deadline;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Telltale's cl100k_base encoder gives jtokkit's ids on every line of the Europarl resource, all of
 * its languages (Latin, Greek and other scripts, accents, digits, punctuation), whole and in the
 * chunks the service tokenises, and on the lines joined into long documents.
 */
class Cl100kCorpusAgreementTest {
  @Test
  void everyEuroparlLineInEveryLanguageGivesJtokkitsIds() throws IOException {
    Encoding jtokkit = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    Tokenizer telltale = Tokenizers.cl100kBase();
    long lines = 0;
    long tokens = 0;
    long nonAscii = 0;
    StringBuilder document = new StringBuilder();
    try (InputStream in = EuroparlCorpus.class.getResourceAsStream(EuroparlCorpus.RESOURCE);
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int[] expected = jtokkit.encodeOrdinary(line).toArray();
        String at = "line " + lines;
        assertArrayEquals(expected, telltale.encode(line), at);
        lines++;
        tokens += expected.length;
        nonAscii += line.chars().anyMatch(c -> c >= 0x80) ? 1 : 0;
        document.append(line).append(lines % 3 == 0 ? "\n\n" : "\t ");
        if (document.length() > 60_000) {
          String doc = document.toString();
          int[] whole = jtokkit.encodeOrdinary(doc).toArray();
          assertArrayEquals(whole, telltale.encode(doc), "document ending at " + at);
          assertArrayEquals(whole, telltale.encode(doc, Deadline.NONE), "chunked, " + at);
          document.setLength(0);
        }
      }
    }
    assertTrue(lines > 15_000, "lines: " + lines);
    assertTrue(nonAscii > lines / 4, "lines outside ASCII: " + nonAscii);
    System.out.printf(
        "cl100k agreement: %d lines, %d tokens, %d lines outside ASCII%n", lines, tokens, nonAscii);
  }
}
