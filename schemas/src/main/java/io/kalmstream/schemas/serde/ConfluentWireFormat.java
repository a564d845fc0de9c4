package io.kalmstream.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte 0, the writer schema's registry id as a 4-byte big-endian
 * int, then the Avro binary encoding of the record.
 */
public final class ConfluentWireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private ConfluentWireFormat() {}

  /** The header for {@code schemaId}, to be followed by the Avro payload. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /**
   * The writer schema id in {@code data}'s header.
   *
   * @throws AvroSerdeException when {@code data} is too short or does not start with the magic byte
   */
  public static int schemaId(byte[] data) {
    if (data.length < HEADER_SIZE) {
      throw new AvroSerdeException(
          "not in the Confluent wire format: "
              + data.length
              + " bytes, but the header alone"
              + " (magic byte 0 and a 4-byte schema id) takes "
              + HEADER_SIZE);
    }
    if (data[0] != MAGIC_BYTE) {
      throw new AvroSerdeException(
          String.format(
              "not in the Confluent wire format: first byte is 0x%02x, expected the magic byte 0x00",
              data[0] & 0xff));
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}
