package io.kalmstream.batching;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a dataset in KG-BERT layout: train.tsv, dev.tsv, test.tsv ("head TAB relation TAB tail"),
 * entity2text.txt ("id TAB name, description") and relation2text.txt ("id TAB text"). Line endings
 * may be LF or CRLF.
 */
public final class KgDatasetReader {
  private static final String NAME_SEPARATOR = ", ";

  private KgDatasetReader() {}

  public static KgDataset read(Path dir) {
    Map<String, EntityDescription> entities = new LinkedHashMap<>();
    forEachLine(
        dir.resolve("entity2text.txt"),
        2,
        fields -> {
          EntityDescription entity = entity(fields[0], fields[1]);
          entities.put(entity.getId(), entity);
        });
    Map<String, RelationDescription> relations = new LinkedHashMap<>();
    forEachLine(
        dir.resolve("relation2text.txt"),
        2,
        fields ->
            relations.put(fields[0], new RelationDescription(fields[0], fields[1].strip(), "")));
    return new KgDataset(
        entities,
        relations,
        triples(dir.resolve("train.tsv"), KgDataset.TRAIN),
        triples(dir.resolve("dev.tsv"), KgDataset.DEV),
        triples(dir.resolve("test.tsv"), KgDataset.TEST));
  }

  /** Splits "name, description" at the first ", "; a text without one is all name. */
  public static EntityDescription entity(String id, String text) {
    String stripped = text.strip();
    int cut = stripped.indexOf(NAME_SEPARATOR);
    String name = cut < 0 ? stripped : stripped.substring(0, cut);
    String description = cut < 0 ? "" : stripped.substring(cut + NAME_SEPARATOR.length()).strip();
    return new EntityDescription(id, name, description);
  }

  private static List<Triple> triples(Path file, String split) {
    List<Triple> triples = new ArrayList<>();
    forEachLine(
        file,
        3,
        fields ->
            triples.add(
                Triple.newBuilder()
                    .setHead(fields[0])
                    .setRelation(fields[1])
                    .setTail(fields[2])
                    .setSplit(split)
                    .build()));
    return triples;
  }

  private static void forEachLine(Path file, int fieldCount, Consumer<String[]> action) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        String content = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (content.isBlank()) {
          continue;
        }
        String[] fields = content.split("\t", fieldCount);
        if (fields.length != fieldCount || fields[0].isBlank()) {
          throw new IllegalArgumentException(
              file
                  + ":"
                  + lineNumber
                  + ": expected "
                  + fieldCount
                  + " tab-separated fields, got '"
                  + content
                  + "'");
        }
        action.accept(fields);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
