package dev.telltale.service;

import java.util.Locale;
import java.util.Optional;

/** What a bearer token may do. Roles do not nest: each route names the one role it admits. */
public enum Role {
  /** Runs detections (and, later, scans). */
  INVESTIGATOR,
  /** Reads the audit log (and, later, evidence). */
  AUDITOR,
  /** Manages tokens (and, later, keys). */
  ADMIN;

  /** Lower-case name used in JSON, the database and the CLI. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String s) {
    for (Role r : values()) {
      if (r.label().equals(s)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
