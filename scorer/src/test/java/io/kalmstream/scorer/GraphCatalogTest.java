package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.Triple;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphCatalogTest {
  private static Triple t(String h, String r, String tail) {
    return Triple.newBuilder().setHead(h).setRelation(r).setTail(tail).build();
  }

  @Test
  void aFactStaysKnownWhileAnyKeyStatesIt() {
    GraphCatalog catalog = new GraphCatalog();
    catalog.putKnown("k1", t("h", "r", "x"));
    catalog.putEval("k2", t("h", "r", "x"));
    catalog.putKnown("k3", t("h", "r", "y"));
    assertEquals(Set.of("x", "y"), catalog.knownAnswers("h", "r", true));
    assertEquals(Set.of("h"), catalog.knownAnswers("x", "r", false));
    catalog.putKnown("k1", null);
    assertTrue(
        catalog.knownAnswers("h", "r", true).contains("x"), "still stated by the eval triple");
    catalog.putEval("k2", null);
    assertEquals(Set.of("y"), catalog.knownAnswers("h", "r", true));
    catalog.putKnown("k3", t("h", "r", "z")); // a key restated with another fact
    assertEquals(Set.of("z"), catalog.knownAnswers("h", "r", true));
  }

  @Test
  void evalTriplesKeepArrivalOrderAndReportChanges() {
    GraphCatalog catalog = new GraphCatalog();
    assertTrue(catalog.putEval("a", t("1", "r", "2")));
    assertTrue(catalog.putEval("b", t("3", "r", "4")));
    assertFalse(catalog.putEval("a", t("1", "r", "2")), "a restored duplicate is no news");
    assertEquals(List.of(t("1", "r", "2")), catalog.newestEvalTriples(1));
    assertEquals(2, catalog.newestEvalTriples(10).size());
  }
}
