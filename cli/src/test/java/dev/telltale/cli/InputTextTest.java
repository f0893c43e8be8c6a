package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class InputTextTest {
  @Property(tries = 1000)
  void decodingEitherSucceedsOrReportsBadInput(@ForAll byte[] bytes) {
    try {
      String s = InputText.decodeUtf8(bytes, "test");
      assertEquals(s, new String(bytes, StandardCharsets.UTF_8));
    } catch (BadInputException expected) {
      // the documented error
    }
  }

  @Property(tries = 300)
  void validUtf8RoundTrips(@ForAll String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String back = InputText.decodeUtf8(bytes, "test");
    assertEquals(new String(bytes, StandardCharsets.UTF_8), back);
  }
}
