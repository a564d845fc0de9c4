package io.kalmstream.cli.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.Triple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadPlanTest {
  @TempDir Path dir;

  private KgDataset dataset() throws Exception {
    return KgDatasetReader.read(TinyDataset.write(dir));
  }

  @Test
  void limitsTakeTheFirstTriplesOfEachSplit() throws Exception {
    LoadPlan plan = LoadPlan.of(dataset(), new LoadSlice(5, 2, 0, 1, LoadSlice.EntityScope.ALL));
    assertEquals(
        List.of("e0", "e1", "e2", "e3", "e4"), plan.train().stream().map(Triple::getHead).toList());
    assertEquals(List.of("e12", "e13"), plan.eval().stream().map(Triple::getHead).toList());
    assertEquals("train", plan.train().get(0).getSplit());
    assertEquals("test", plan.eval().get(0).getSplit());
    assertEquals(TinyDataset.ENTITIES, plan.entities().size());
    assertEquals(2, plan.relations().size());
  }

  @Test
  void referencedScopeKeepsOnlyEntitiesNamedByStreamedTriples() throws Exception {
    LoadPlan plan =
        LoadPlan.of(dataset(), new LoadSlice(3, 1, 0, 1, LoadSlice.EntityScope.REFERENCED));
    // train e0-e1, e1-e2, e2-e3; test e12-e13
    assertEquals(
        Set.of("e0", "e1", "e2", "e3", "e12", "e13"),
        plan.entities().stream().map(EntityDescription::getId).collect(Collectors.toSet()));
  }

  @Test
  void queriesAreASeededSampleOfTheEvalTriplesAskingForTheirTails() throws Exception {
    KgDataset data = dataset();
    LoadPlan a = LoadPlan.of(data, new LoadSlice(-1, -1, 3, 42, LoadSlice.EntityScope.ALL));
    LoadPlan b = LoadPlan.of(data, new LoadSlice(-1, -1, 3, 42, LoadSlice.EntityScope.ALL));
    assertEquals(a.queries(), b.queries());
    assertEquals(3, a.queries().size());
    Set<String> evalHeadRelations =
        a.eval().stream().map(t -> t.getHead() + " " + t.getRelation()).collect(Collectors.toSet());
    for (LinkPredictionQuery q : a.queries()) {
      assertTrue(evalHeadRelations.contains(q.getEntityId() + " " + q.getRelation()), q.toString());
      assertEquals(10, q.getK());
    }
    assertEquals(3, a.queries().stream().map(LinkPredictionQuery::getQueryId).distinct().count());
    LoadPlan all = LoadPlan.of(data, new LoadSlice(-1, -1, 100, 42, LoadSlice.EntityScope.ALL));
    assertEquals(
        TinyDataset.TEST, all.queries().size(), "a sample cannot be larger than the split");
  }

  @Test
  void queriesAreSpreadEvenlyThroughTheTrainingStream() throws Exception {
    LoadPlan plan = LoadPlan.of(dataset(), new LoadSlice(-1, -1, 3, 1, LoadSlice.EntityScope.ALL));
    List<Long> before = new ArrayList<>();
    for (int i = 0; i < plan.queries().size(); i++) {
      before.add(plan.trainTriplesBeforeQuery(i));
    }
    assertEquals(
        List.of(3L, 6L, 9L),
        before); // 12 triples, 3 queries: after a quarter, a half, three quarters
  }
}
