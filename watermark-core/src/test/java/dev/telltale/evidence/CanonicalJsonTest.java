package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.telltale.TestGenerators;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  @Test
  void numbersFollowEcmaScript() {
    // Expected strings from RFC 8785 Appendix B and ECMAScript Number::toString.
    assertEquals("0", CanonicalJson.number(-0.0));
    assertEquals("1", CanonicalJson.number(1.0));
    assertEquals("0.25", CanonicalJson.number(0.25));
    assertEquals("-1.5", CanonicalJson.number(-1.5));
    assertEquals("1e-7", CanonicalJson.number(1e-7));
    assertEquals("0.000001", CanonicalJson.number(1e-6));
    assertEquals("1e+21", CanonicalJson.number(1e21));
    assertEquals("100000000000000000000", CanonicalJson.number(1e20));
    assertEquals("1e-300", CanonicalJson.number(1e-300));
    assertEquals("5e-324", CanonicalJson.number(Double.MIN_VALUE));
    assertEquals("1.7976931348623157e+308", CanonicalJson.number(Double.MAX_VALUE));
    assertEquals("9007199254740992", CanonicalJson.number(9007199254740992.0));
    assertEquals("295147905179352830000", CanonicalJson.number(295147905179352825856.0));
    assertEquals("2e+23", CanonicalJson.number(2e23));
    assertEquals("0.1", CanonicalJson.number(0.1));
    assertEquals("333333333.3333333", CanonicalJson.number(333333333.33333329));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.number(Double.NaN));
  }

  @Test
  void membersSortedAndStringsMinimallyEscaped() throws Exception {
    var n =
        new ObjectMapper()
            .readTree(
                "{\"b\":[1, 2.50, true, null],\"a\":\"\\u00e9\\n\\u0001\\\"/\",\"\\u20ac\":1,\"\\ud83d\\ude00\":2}");
    assertEquals(
        "{\"a\":\"é\\n\\u0001\\\"/\",\"b\":[1,2.5,true,null],\"€\":1,\"\uD83D\uDE00\":2}",
        CanonicalJson.string(n));
  }

  @Test
  void numbersReadBackExactly() {
    qt().withFixedSeed(0xC4A0_0001L)
        .withExamples(2000)
        .forAll(TestGenerators.finiteDoubles())
        .checkAssert(CanonicalJsonTest::readsBackExactlyInShortestForm);
  }

  private static void readsBackExactlyInShortestForm(double d) {
    String s = CanonicalJson.number(d);
    assertEquals(d == 0 ? 0.0 : d, Double.parseDouble(s) == 0 ? 0.0 : Double.parseDouble(s));
    // Never longer than Java's own round-trip form.
    String j =
        Double.toString(Math.abs(d)).replaceAll("E.*", "").replace(".", "").replaceAll("^0+", "");
    assertTrue(digits(s) <= Math.max(1, j.replaceAll("0+$", "").length()), s + " vs " + d);
    assertEquals(s, CanonicalJson.string(JsonNodeFactory.instance.numberNode(d)));
  }

  private static int digits(String s) {
    String m = s.replaceAll("e.*", "").replace("-", "").replace(".", "").replaceAll("^0+", "");
    return m.replaceAll("0+$", "").length();
  }
}
