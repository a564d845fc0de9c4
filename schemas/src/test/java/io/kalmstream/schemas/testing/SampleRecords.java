package io.kalmstream.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A filled-in instance of every generated record class, built from the schemas themselves so a
 * record type added to {@code src/main/avro} is covered without touching the tests. Every field
 * gets a non-default value (unions their non-null branch, arrays and maps two entries) so a codec
 * that drops or mixes up a field is caught.
 */
public final class SampleRecords {
  private SampleRecords() {}

  /** The generated classes of every top-level {@code .avsc} file in {@code src/main/avro}. */
  public static List<Class<? extends SpecificRecord>> allGeneratedTypes() {
    Path avroDir = Path.of("src/main/avro");
    try (Stream<Path> files = Files.list(avroDir)) {
      return files
          .filter(p -> p.toString().endsWith(".avsc"))
          .sorted()
          .map(SampleRecords::generatedClass)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + avroDir.toAbsolutePath(), e);
    }
  }

  public static <T extends SpecificRecord> T sample(Class<T> type, int seed) {
    SpecificData model = SpecificData.getForClass(type);
    return type.cast(value(model.getSchema(type), model, type.getSimpleName(), seed));
  }

  private static Class<? extends SpecificRecord> generatedClass(Path avsc) {
    try {
      JsonNode schema = new ObjectMapper().readTree(avsc.toFile());
      String fullName = schema.path("namespace").asText() + "." + schema.path("name").asText();
      return Class.forName(fullName).asSubclass(SpecificRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no generated class for " + avsc, e);
    }
  }

  private static Object value(Schema schema, SpecificData model, String path, int seed) {
    LogicalType logical = schema.getLogicalType();
    Conversion<Object> conversion = logical == null ? null : model.getConversionFor(logical);
    Object raw = rawValue(schema, model, path, seed);
    return conversion == null
        ? raw
        : Conversions.convertToLogicalType(raw, schema, logical, conversion);
  }

  private static Object rawValue(Schema schema, SpecificData model, String path, int seed) {
    switch (schema.getType()) {
      case RECORD:
        {
          IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
          for (Schema.Field field : schema.getFields()) {
            record.put(
                field.pos(),
                value(field.schema(), model, path + "." + field.name(), seed + field.pos()));
          }
          return record;
        }
      case UNION:
        {
          List<Schema> branches = schema.getTypes();
          return value(branches.get(branches.size() - 1), model, path, seed);
        }
      case ARRAY:
        {
          List<Object> items = new ArrayList<>();
          items.add(value(schema.getElementType(), model, path + "[0]", seed));
          items.add(value(schema.getElementType(), model, path + "[1]", seed + 1));
          return items;
        }
      case MAP:
        {
          Map<String, Object> entries = new LinkedHashMap<>();
          entries.put(path + "#a", value(schema.getValueType(), model, path + "#a", seed));
          entries.put(path + "#b", value(schema.getValueType(), model, path + "#b", seed + 1));
          return entries;
        }
      case ENUM:
        return model.createEnum(
            schema.getEnumSymbols().get(seed % schema.getEnumSymbols().size()), schema);
      case STRING:
        return path + " \u00e9\u4e2d " + seed;
      case BYTES:
        return ByteBuffer.wrap(new byte[] {0, (byte) seed, (byte) 0xff, 42});
      case INT:
        return 1000 + seed;
      case LONG:
        return 1_700_000_000_000L + seed;
      case FLOAT:
        return 0.5f + seed;
      case DOUBLE:
        return 0.25 + seed;
      case BOOLEAN:
        return seed % 2 == 0;
      case FIXED:
        return model.createFixed(null, new byte[schema.getFixedSize()], schema);
      case NULL:
        return null;
      default:
        throw new IllegalArgumentException("no sample for " + schema.getType() + " at " + path);
    }
  }
}
