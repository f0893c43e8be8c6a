package dev.telltale.provenance;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes deterministic CBOR through Jackson's {@link CBORGenerator}: definite-length (sized) arrays
 * and maps, shortest-form heads, text as UTF-8 with its exact length. Callers write map entries in
 * the deterministic key order (RFC 8949 section 4.2.1).
 */
final class CborEncoder implements AutoCloseable {
  private static final CBORFactory FACTORY = new CBORFactory();

  private final ByteArrayOutputStream out;
  private final CBORGenerator gen;

  CborEncoder(int expectedSize) {
    out = new ByteArrayOutputStream(expectedSize);
    try {
      gen = FACTORY.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CborEncoder tag(int tag) {
    return run(() -> gen.writeTag(tag));
  }

  CborEncoder array(int size) {
    return run(() -> gen.writeStartArray(null, size));
  }

  CborEncoder endArray() {
    return run(gen::writeEndArray);
  }

  CborEncoder map(int size) {
    return run(() -> gen.writeStartObject(null, size));
  }

  CborEncoder endMap() {
    return run(gen::writeEndObject);
  }

  /** An integer map key. */
  CborEncoder key(long label) {
    return run(() -> gen.writeFieldId(label));
  }

  /** A text map key. */
  CborEncoder key(String label) {
    return run(() -> gen.writeFieldName(label));
  }

  CborEncoder integer(long v) {
    return run(() -> gen.writeNumber(v));
  }

  CborEncoder bytes(byte[] v) {
    return run(() -> gen.writeBinary(v));
  }

  CborEncoder text(String v) {
    byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
    return run(() -> gen.writeUTF8String(utf8, 0, utf8.length));
  }

  CborEncoder nil() {
    return run(gen::writeNull);
  }

  byte[] toByteArray() {
    run(gen::flush);
    return out.toByteArray();
  }

  @Override
  public void close() {
    run(gen::close);
  }

  private interface Write {
    void run() throws IOException;
  }

  private CborEncoder run(Write w) {
    try {
      w.run();
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; Jackson declares IOException regardless.
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
