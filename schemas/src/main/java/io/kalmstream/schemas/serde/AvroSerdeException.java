package io.kalmstream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be encoded or decoded: bytes not in the Confluent wire format, a schema id the
 * registry does not know, an Avro payload that does not match its writer schema, or a schema the
 * registry refused. The message says which; a consumer that catches it sends the input to the
 * dead-letter topic with this message as the reason.
 */
public class AvroSerdeException extends SerializationException {
  public AvroSerdeException(String message) {
    super(message);
  }

  public AvroSerdeException(String message, Throwable cause) {
    super(message, cause);
  }
}
