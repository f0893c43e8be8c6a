package dev.telltale.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.lang.UScript;
import org.junit.jupiter.api.Test;

/**
 * The ASCII shortcuts of {@link DetectionNormalizer} answer what ICU answers for every ASCII code
 * point, so the hardened forms are the same with and without them.
 */
class DetectionNormalizerAsciiTest {
  @Test
  void asciiShortcutsAgreeWithIcu() {
    for (int cp = 0; cp < 0x80; cp++) {
      String at = "U+" + Integer.toHexString(cp);
      assertFalse(
          UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT),
          at + " is default-ignorable");
      assertFalse(DetectionNormalizer.isIgnorable(cp), at);
      assertEquals(UCharacter.isUWhiteSpace(cp), DetectionNormalizer.isWhiteSpace(cp), at);
      assertFalse(UCharacter.getType(cp) == UCharacter.NON_SPACING_MARK, at + " is a mark");
      if (Character.isLetter(cp)) {
        assertEquals(UScript.LATIN, UScript.getScript(cp), at + " is not Latin");
      }
    }
    // Beyond ASCII the ICU answers stand (a sample of both kinds).
    assertEquals(true, DetectionNormalizer.isIgnorable(0x200B));
    assertEquals(true, DetectionNormalizer.isWhiteSpace(0x2028));
  }
}
