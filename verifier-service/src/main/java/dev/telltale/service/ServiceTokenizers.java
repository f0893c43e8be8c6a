package dev.telltale.service;

import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import dev.telltale.text.hf.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tokenizers a request may name: the built-in encodings and the Hugging Face {@code
 * tokenizer.json} files the operator configured ({@code tokenizers.files}, {@code name=path,...}).
 * A client names a configured file by its name and never by a path, so it cannot make the server
 * read a file. Each file is loaded once, when the service starts.
 *
 * <p>A configured name is a plain file name ending in {@code .json} ({@code llama3.json}): results
 * and findings name the tokenizer so, with the file's SHA-256, and the recorded command {@code
 * telltale detect --tokenizer llama3.json} re-runs in the folder where the re-verifier puts that
 * file (the re-run checks its SHA-256).
 */
final class ServiceTokenizers {
  /** A configured tokenizer's name: a plain file name ending in .json, no path. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}\\.json");

  private final Map<String, Tokenizer> files;

  private ServiceTokenizers(Map<String, Tokenizer> files) {
    this.files = files;
  }

  /** The built-in encodings alone. */
  static ServiceTokenizers builtIn() {
    return new ServiceTokenizers(Map.of());
  }

  /**
   * Parses {@code tokenizers.files} ({@code name=path} pairs, comma-separated) into name to path,
   * refusing a bad name, a duplicate or a built-in name with a {@link ConfigException}.
   */
  static Map<String, Path> parse(String setting) {
    Map<String, Path> m = new LinkedHashMap<>();
    for (String part : setting.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new ConfigException(
            "tokenizers.files: '" + p + "' is not name=path (e.g. llama3.json=/srv/llama3.json)");
      }
      String name = p.substring(0, eq).trim();
      String path = p.substring(eq + 1).trim();
      if (!NAME.matcher(name).matches() || Tokenizers.names().contains(name)) {
        throw new ConfigException(
            "tokenizers.files: the name '"
                + name
                + "' must be a plain file name ending in .json (letters, digits, '.', '_', '-')");
      }
      if (m.put(name, Path.of(path)) != null) {
        throw new ConfigException("tokenizers.files: the name '" + name + "' is given twice");
      }
    }
    return m;
  }

  /** Loads every configured file once; an unreadable or unsupported one is a ConfigException. */
  static ServiceTokenizers load(String setting) {
    Map<String, Tokenizer> loaded = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : parse(setting).entrySet()) {
      try {
        loaded.put(
            e.getKey(), HfTokenizer.load(e.getKey(), e.getValue().toAbsolutePath().normalize()));
      } catch (IOException | RuntimeException ex) {
        throw new ConfigException(
            "tokenizers.files: cannot load '"
                + e.getKey()
                + "' from '"
                + e.getValue()
                + "': "
                + ex.getMessage());
      }
    }
    return new ServiceTokenizers(Collections.unmodifiableMap(loaded));
  }

  /** The configured names (the built-in ones not included), in configuration order. */
  List<String> configuredNames() {
    return List.copyOf(files.keySet());
  }

  /** Every name a request may give. */
  List<String> names() {
    List<String> all = new ArrayList<>(Tokenizers.names());
    all.addAll(files.keySet());
    return all;
  }

  /** The tokenizer called {@code name}; anything else is 400 {@code unknown-tokenizer}. */
  Tokenizer get(String name) {
    Tokenizer t = files.get(name);
    if (t != null) {
      return t;
    }
    if (Tokenizers.names().contains(name)) {
      return Tokenizers.byName(name);
    }
    throw ProblemException.badRequest(
        "unknown-tokenizer", "unknown tokenizer; this server knows: " + String.join(", ", names()));
  }
}
