package io.kalmstream.schemas.registry;

/** The subject, version or schema id asked for is not in the registry (HTTP 404). */
public final class SchemaNotFoundException extends SchemaRegistryException {
  public SchemaNotFoundException(String message, int errorCode) {
    super(message, 404, errorCode, null);
  }
}
