package dev.telltale.service;

/** A setting is unknown or its value is invalid; the message names the setting. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
