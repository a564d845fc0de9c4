package io.kalmstream.schemas.registry;

/** The registry refused a schema because it breaks the subject's compatibility rule (HTTP 409). */
public final class IncompatibleSchemaException extends SchemaRegistryException {
  public IncompatibleSchemaException(String message, int errorCode) {
    super(message, 409, errorCode, null);
  }
}
