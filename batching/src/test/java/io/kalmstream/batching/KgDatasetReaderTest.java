package io.kalmstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.Triple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KgDatasetReaderTest {
  private static KgDataset wn18rr;

  @BeforeAll
  static void readWn18rr() {
    wn18rr = KgDatasetReader.read(SharedData.dataset("wn18rr"));
  }

  @Test
  void readsEveryFileOfWn18rrWithTheProvenanceCounts() {
    assertEquals(86_835, wn18rr.train().size());
    assertEquals(3_034, wn18rr.dev().size());
    assertEquals(3_134, wn18rr.test().size());
    assertEquals(40_943, wn18rr.entities().size());
    assertEquals(11, wn18rr.relations().size());
    assertEquals("has part", wn18rr.relations().get("_has_part").getName());
    Triple first = wn18rr.train().get(0);
    assertEquals("00260881", first.getHead());
    assertEquals("_hypernym", first.getRelation());
    assertEquals("00260622", first.getTail());
    assertEquals("train", first.getSplit());
    assertEquals("test", wn18rr.test().get(0).getSplit());
  }

  @Test
  void splitsNameFromDescriptionAtTheFirstCommaSpace() {
    EntityDescription saxony = wn18rr.entities().get("08769179");
    assertEquals("saxony", saxony.getName());
    assertEquals(
        "an area in Germany around the upper Elbe river; the original home of the Saxons",
        saxony.getDescription());
    EntityDescription nameOnly = KgDatasetReader.entity("/m/x", "Washington");
    assertEquals("Washington", nameOnly.getName());
    assertEquals("", nameOnly.getDescription());
    assertEquals("a, b, c", TextViews.entityText(KgDatasetReader.entity("e", "a, b, c")));
    assertEquals("b, c", KgDatasetReader.entity("e", "a, b, c").getDescription());
  }

  @Test
  void stripsCarriageReturnsOfCrlfFiles(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("entity2text.txt"), "e1\tone, the first\r\ne2\ttwo\r\n");
    Files.writeString(dir.resolve("relation2text.txt"), "r\trelated to\r\n");
    Files.writeString(dir.resolve("train.tsv"), "e1\tr\te2\r\n");
    Files.writeString(dir.resolve("dev.tsv"), "");
    Files.writeString(dir.resolve("test.tsv"), "e2\tr\te1\r\n");
    KgDataset dataset = KgDatasetReader.read(dir);
    assertEquals("e2", dataset.train().get(0).getTail());
    assertEquals("two", dataset.entities().get("e2").getName());
    assertEquals("the first", dataset.entities().get("e1").getDescription());
    assertEquals("related to", dataset.relations().get("r").getName());
    assertEquals(2, dataset.allFacts().size());
  }

  @Test
  void readsFb15k237WhoseEntitiesHaveNamesOnly() {
    KgDataset fb = KgDatasetReader.read(SharedData.dataset("fb15k-237"));
    assertEquals(272_115, fb.train().size());
    assertEquals(237, fb.relations().size());
    assertEquals("Jeremy Irons", TextViews.entityText(fb.entities().get("/m/016ywr")));
    assertEquals("/m/06cx9", fb.train().get(0).getTail());
  }
}
