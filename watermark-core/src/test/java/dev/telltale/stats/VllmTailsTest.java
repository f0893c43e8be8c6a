package dev.telltale.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exact dual-key tail against closed forms at its limits and against simulation. */
class VllmTailsTest {
  @Test
  void halfIsTheGammaTailOfTwiceTheShape() {
    TailProbability exact = VllmTails.dualKeyExact(40, 52.0, 0.5);
    assertEquals(Tails.gammaUpper(80, 104.0).log10PValue(), exact.log10PValue(), 1e-12);
    // the integral is continuous into the closed form
    double near = VllmTails.dualKeyExact(40, 52.0, 0.4999).pValue();
    assertEquals(exact.pValue(), near, 1e-3 * exact.pValue());
  }

  @Test
  void smallAlphaApproachesTheSingleKeyTail() {
    double single = Tails.gammaUpper(30, 45.0).pValue();
    double dual = VllmTails.dualKeyExact(30, 45.0, 1e-6).pValue();
    assertEquals(single, dual, 1e-3 * single);
  }

  @Test
  void agreesWithSimulation() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 6;
    double a = 0.2;
    double s = 9.0;
    int trials = 400_000;
    int hits = 0;
    for (int t = 0; t < trials; t++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += (1 - a) * -Math.log(r.nextDouble()) + a * -Math.log(r.nextDouble());
      }
      if (sum >= s) {
        hits++;
      }
    }
    double mc = hits / (double) trials;
    double exact = VllmTails.dualKeyExact(n, s, a).pValue();
    double se = Math.sqrt(mc * (1 - mc) / trials);
    assertTrue(Math.abs(mc - exact) < 4 * se, "simulated " + mc + " vs exact " + exact);
  }

  @Test
  void deepTailsStayInLogSpace() {
    TailProbability p = VllmTails.dualKeyExact(2000, 6000.0, 0.3);
    assertTrue(p.log10PValue() < -300, "log10 p " + p.log10PValue());
    assertTrue(Double.isFinite(p.log10PValue()));
  }
}
