package io.kalmstream.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kalmstream.schemas.registry.SchemaNotFoundException;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes Avro records into the Confluent wire format and decodes them back, resolving the writer
 * schema (found by the id in each message) against the reader schema, so a reader with a newer
 * schema reads older records (added fields take their defaults) and an older reader skips fields it
 * does not know. The Kafka, Kafka Streams and Flink serdes of this package are thin wrappers around
 * it; a job that must route bad input to the dead-letter topic reads raw bytes and calls {@link
 * #decode(byte[])} itself, catching {@link AvroSerdeException}. Thread-safe.
 *
 * @param <T> the record type produced by {@link #decode(byte[])}
 */
public final class AvroCodec<T> {
  private static final String JAVA_STRING_HINT = "avro.java.string";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How decoded records are typed: the reader schema and the Avro data model for a writer schema.
   */
  private interface ReaderChoice {
    Schema readerSchema(Schema writer);

    GenericData model(Schema writer);
  }

  private final SchemaRegistryClient registry;
  private final boolean autoRegister;
  private final ReaderChoice readers;
  private final Map<Integer, DatumReader<?>> readersByWriterId = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> writersBySchema = new ConcurrentHashMap<>();
  private final Map<Schema, Schema> registeredForm = new ConcurrentHashMap<>();

  private AvroCodec(SchemaRegistryClient registry, boolean autoRegister, ReaderChoice readers) {
    this.registry = registry;
    this.autoRegister = autoRegister;
    this.readers = readers;
  }

  /** Decodes into {@code type}, whatever version of its schema wrote the record. */
  public static <T extends SpecificRecord> AvroCodec<T> specific(
      Class<T> type, SchemaRegistryClient registry) {
    SpecificData model = SpecificData.getForClass(type);
    Schema reader = model.getSchema(type);
    return new AvroCodec<>(
        registry,
        registry.config().autoRegister(),
        new ReaderChoice() {
          @Override
          public Schema readerSchema(Schema writer) {
            return reader;
          }

          @Override
          public GenericData model(Schema writer) {
            return model;
          }
        });
  }

  /**
   * Decodes into the generated class named by each record's writer schema (Confluent's {@code
   * specific.avro.reader=true}); fails for a writer schema without a generated class on the
   * classpath.
   */
  public static <T extends SpecificRecord> AvroCodec<T> specificByWriterName(
      SchemaRegistryClient registry) {
    return new AvroCodec<>(
        registry,
        registry.config().autoRegister(),
        new ReaderChoice() {
          @Override
          public Schema readerSchema(Schema writer) {
            return SpecificData.getForClass(generatedClass(writer))
                .getSchema(generatedClass(writer));
          }

          @Override
          public GenericData model(Schema writer) {
            return SpecificData.getForClass(generatedClass(writer));
          }
        });
  }

  /**
   * Decodes into {@link GenericRecord}s of {@code readerSchema}, or of each writer schema when it
   * is null.
   */
  public static AvroCodec<GenericRecord> generic(
      Schema readerSchema, SchemaRegistryClient registry) {
    return new AvroCodec<>(
        registry,
        registry.config().autoRegister(),
        new ReaderChoice() {
          @Override
          public Schema readerSchema(Schema writer) {
            return readerSchema == null ? writer : readerSchema;
          }

          @Override
          public GenericData model(Schema writer) {
            return GenericData.get();
          }
        });
  }

  /**
   * The wire-format bytes of {@code record}, its schema registered (or, with auto-registration off,
   * looked up) under {@code subject}. A null record gives null (a Kafka tombstone).
   */
  public byte[] encode(String subject, GenericContainer record) {
    if (record == null) {
      return null;
    }
    Schema schema = record.getSchema();
    int id = schemaId(subject, schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(ConfluentWireFormat.header(id));
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer(record, schema).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new AvroSerdeException(
          "cannot encode a "
              + schema.getFullName()
              + " for subject "
              + subject
              + ": "
              + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  /**
   * The registry id of {@code schema} under {@code subject}, registering it when auto-registration
   * is on. The schema is registered without the {@code avro.java.string} hints that generated
   * classes carry, so it is the schema of the {@code .avsc} file, the same one a client in another
   * language registers.
   */
  public int schemaId(String subject, Schema schema) {
    Schema portable = registeredForm.computeIfAbsent(schema, AvroCodec::withoutJavaHints);
    try {
      return autoRegister ? registry.register(subject, portable) : registry.idOf(subject, portable);
    } catch (SchemaNotFoundException e) {
      throw new AvroSerdeException(
          "schema "
              + schema.getFullName()
              + " is not registered under subject "
              + subject
              + " and auto-registration is off: "
              + e.getMessage(),
          e);
    } catch (SchemaRegistryException e) {
      throw new AvroSerdeException(
          "cannot register schema "
              + schema.getFullName()
              + " under subject "
              + subject
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The record in {@code data}; null gives null (a tombstone).
   *
   * @throws AvroSerdeException when the bytes are not in the wire format, name an unknown schema
   *     id, or do not decode with their writer schema (including bytes left over after the record)
   */
  @SuppressWarnings("unchecked")
  public T decode(byte[] data) {
    if (data == null) {
      return null;
    }
    int id = ConfluentWireFormat.schemaId(data);
    DatumReader<?> reader = readersByWriterId.computeIfAbsent(id, this::newReader);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data,
                ConfluentWireFormat.HEADER_SIZE,
                data.length - ConfluentWireFormat.HEADER_SIZE,
                null);
    try {
      Object record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new AvroSerdeException(
            "Avro payload of "
                + (data.length - ConfluentWireFormat.HEADER_SIZE)
                + " bytes with writer schema id "
                + id
                + " has bytes left over after the record");
      }
      return (T) record;
    } catch (IOException | RuntimeException e) {
      if (e instanceof AvroSerdeException serde) {
        throw serde;
      }
      throw new AvroSerdeException(
          "cannot decode the Avro payload of "
              + (data.length - ConfluentWireFormat.HEADER_SIZE)
              + " bytes with writer schema id "
              + id
              + " ("
              + registry.schemaById(id).getFullName()
              + "): "
              + e,
          e);
    }
  }

  private DatumReader<?> newReader(int writerId) {
    Schema writer;
    try {
      writer = registry.schemaById(writerId);
    } catch (SchemaRegistryException e) {
      throw new AvroSerdeException(
          "unknown writer schema id " + writerId + ": " + e.getMessage(), e);
    }
    Schema reader = readers.readerSchema(writer);
    try {
      return readers.model(writer).createDatumReader(writer, reader);
    } catch (AvroRuntimeException e) {
      throw new AvroSerdeException(
          "writer schema id "
              + writerId
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + reader.getFullName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @SuppressWarnings("unchecked")
  private DatumWriter<Object> writer(GenericContainer record, Schema schema) {
    return writersBySchema.computeIfAbsent(
        schema,
        s ->
            (DatumWriter<Object>)
                (record instanceof SpecificRecord specific
                        ? SpecificData.getForClass(specific.getClass())
                        : GenericData.get())
                    .createDatumWriter(s));
  }

  private static Schema withoutJavaHints(Schema schema) {
    String json = schema.toString();
    if (!json.contains(JAVA_STRING_HINT)) {
      return schema;
    }
    try {
      JsonNode tree = JSON.readTree(json);
      removeJavaHints(tree);
      return new Schema.Parser().parse(JSON.writeValueAsString(tree));
    } catch (IOException e) {
      throw new AvroSerdeException(
          "cannot rewrite schema " + schema.getFullName() + ": " + e.getMessage(), e);
    }
  }

  private static void removeJavaHints(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(JAVA_STRING_HINT);
    }
    node.forEach(AvroCodec::removeJavaHints);
  }

  private static Class<? extends SpecificRecord> generatedClass(Schema writer) {
    Class<?> type = SpecificData.get().getClass(writer);
    if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
      throw new AvroSerdeException(
          "no generated class " + writer.getFullName() + " on the classpath to read it into");
    }
    return type.asSubclass(SpecificRecord.class);
  }
}
