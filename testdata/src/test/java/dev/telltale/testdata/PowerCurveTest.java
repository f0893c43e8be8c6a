package dev.telltale.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How many tokens detection needs: the share of teacher generations detected at p ≤ 1e-3 after the
 * first 25, 50 and 100 generated tokens (each prefix decoded to text and re-tokenized), for
 * green-list keys at delta 1 and 2 and for Gumbel keys. Printed as a table for the README.
 */
class PowerCurveTest {
  static final int TEXTS = 100;
  static final int[] LENGTHS = {25, 50, 100};

  @Test
  void powerGrowsWithLengthAndStrength() {
    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    List<int[]> prompts = teacher.heldOutPrompts(TEXTS, 8);
    Map<String, WatermarkParameters> configs = new LinkedHashMap<>();
    configs.put("kgw delta 1", GreenListParameters.builder().delta(1.0).build());
    configs.put("kgw delta 2", GreenListParameters.defaults());
    configs.put("gumbel", GumbelParameters.defaults());
    Map<String, double[]> power = new LinkedHashMap<>();
    SplittableRandom r = new SplittableRandom(77);
    for (var e : configs.entrySet()) {
      int[] detected = new int[LENGTHS.length];
      for (int t = 0; t < TEXTS; t++) {
        WatermarkKey key = NullCalibrationTest.randomKey(r, e.getValue());
        int[] ids =
            teacher
                .generate(
                    prompts.get(t),
                    LENGTHS[LENGTHS.length - 1],
                    SamplingParams.defaults(),
                    r.nextLong(),
                    Watermarker.of(key))
                .tokens();
        Detector d = Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults());
        for (int l = 0; l < LENGTHS.length; l++) {
          String prefix = teacher.tokenizer().decode(ids, 0, LENGTHS[l]);
          if (d.detectText(prefix).pValue() <= 1e-3) {
            detected[l]++;
          }
        }
      }
      power.put(e.getKey(), Arrays.stream(detected).mapToDouble(c -> c / (double) TEXTS).toArray());
    }
    StringBuilder table =
        new StringBuilder(
            "power at p <= 1e-3 by generated tokens " + Arrays.toString(LENGTHS) + "\n");
    power.forEach((k, v) -> table.append(String.format("  %-12s %s%n", k, Arrays.toString(v))));
    System.out.print(table);
    for (double[] v : power.values()) {
      for (int l = 1; l < v.length; l++) {
        // more tokens never hurt by more than sampling noise
        assertTrue(v[l] >= v[l - 1] - 0.1, table.toString());
      }
    }
    assertTrue(power.get("kgw delta 2")[2] >= 0.9, table.toString());
    assertTrue(power.get("kgw delta 2")[0] <= power.get("kgw delta 2")[2], table.toString());
  }
}
