package io.kalmstream.scorer;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;

/** The texts the model embeds, as DESIGN.md defines them. */
final class TextViews {
  private TextViews() {}

  static String entityText(EntityDescription e) {
    return join(e.getName(), e.getDescription());
  }

  static String relationText(RelationDescription r) {
    return join(r.getName(), r.getDescription());
  }

  /** D_t = "{" + D_t + "}". */
  static String tailView(String entityText) {
    return "{" + entityText + "}";
  }

  /** D_hr = "[" + D_h + ", " + D_r + "]"; for a head query, the relation text is "inverse " + D_r. */
  static String headRelationView(String entityText, String relationText, boolean inverse) {
    return "[" + entityText + ", " + (inverse ? "inverse " + relationText : relationText) + "]";
  }

  private static String join(String name, String description) {
    return description == null || description.isBlank() ? name : name + ", " + description;
  }
}
