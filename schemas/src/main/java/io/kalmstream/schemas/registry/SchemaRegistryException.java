package io.kalmstream.schemas.registry;

/**
 * A schema registry request failed. {@link #status()} is the HTTP status (0 when no response came:
 * unreachable, timed out) and {@link #errorCode()} the Confluent error code from the body (e.g.
 * 40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema; 0 when
 * absent).
 */
public class SchemaRegistryException extends RuntimeException {
  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }
}
