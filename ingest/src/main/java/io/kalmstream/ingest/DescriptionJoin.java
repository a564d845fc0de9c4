package io.kalmstream.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One of the three joins, keyed by the id of the head entity, the tail entity or the relation.
 * Input 1 carries triples and retractions, input 2 the descriptions of that id. A triple whose
 * description is known passes on with it attached; otherwise it waits in state until the
 * description arrives or its deadline passes, then goes to the dead-letter topic. Each triple takes
 * the description current when it passes, so a later update applies to the examples built after it.
 */
final class DescriptionJoin extends KeyedCoProcessFunction<String, KgEvent, KgEvent, KgEvent> {

  /** Which id a join is keyed on and where the description goes. */
  enum Role {
    HEAD("head entity"),
    TAIL("tail entity"),
    RELATION("relation");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    String factKey(KgEvent fact) {
      return switch (this) {
        case HEAD -> fact.triple.getHead();
        case TAIL -> fact.triple.getTail();
        case RELATION -> fact.triple.getRelation();
      };
    }

    KeySelector<KgEvent, String> factKeySelector() {
      Role role = this;
      return role::factKey;
    }

    void attach(KgEvent fact, KgEvent description) {
      switch (this) {
        case HEAD -> fact.head = description.entity;
        case TAIL -> fact.tail = description.entity;
        case RELATION -> fact.relation = description.relation;
      }
    }
  }

  private final Role role;
  private transient ValueState<KgEvent> description;
  private transient MapState<String, KgEvent> waiting;

  /** Ids of waiting triples by deadline, so a deadline timer looks at its own triples only. */
  private transient MapState<Long, List<String>> deadlines;

  private transient EventTimeQueue queue;
  private transient OutcomeCounters counters;

  DescriptionJoin(Role role) {
    this.role = role;
  }

  @Override
  public void open(OpenContext openContext) {
    TypeInformation<KgEvent> eventType = TypeInformation.of(KgEvent.class);
    description =
        getRuntimeContext().getState(new ValueStateDescriptor<>("description", eventType));
    waiting =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("waiting", Types.STRING, eventType));
    deadlines =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("deadlines", Types.LONG, Types.LIST(Types.STRING)));
    queue = new EventTimeQueue(getRuntimeContext(), "queue");
    counters = new OutcomeCounters(getRuntimeContext());
  }

  @Override
  public void processElement1(KgEvent fact, Context ctx, Collector<KgEvent> out) throws Exception {
    queue.add(fact, ctx.timestamp(), ctx.timerService(), counters);
  }

  @Override
  public void processElement2(KgEvent update, Context ctx, Collector<KgEvent> out)
      throws Exception {
    queue.add(update, ctx.timestamp(), ctx.timerService(), counters);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<KgEvent> out) throws Exception {
    for (KgEvent event : queue.drain(time)) {
      if (event.isDescription()) {
        applyDescription(event, out);
      } else if (event.kind == KgEvent.Kind.TRIPLE) {
        admit(event, ctx, out);
      } else {
        retract(event, out);
      }
    }
    expire(time, ctx);
  }

  private void applyDescription(KgEvent update, Collector<KgEvent> out) throws Exception {
    if (update.kind == KgEvent.Kind.ENTITY_DELETION
        || update.kind == KgEvent.Kind.RELATION_DELETION) {
      description.clear();
      counters.inc(Outcome.DESCRIPTIONS_DELETED);
      return;
    }
    description.update(update);
    counters.inc(Outcome.DESCRIPTIONS_ACCEPTED);
    List<String> released = new ArrayList<>();
    for (Map.Entry<String, KgEvent> entry : waiting.entries()) {
      KgEvent fact = entry.getValue();
      role.attach(fact, update);
      out.collect(fact);
      released.add(entry.getKey());
    }
    for (String tripleId : released) {
      waiting.remove(tripleId);
    }
  }

  private void admit(KgEvent fact, OnTimerContext ctx, Collector<KgEvent> out) throws Exception {
    KgEvent known = description.value();
    if (known != null) {
      KgEvent joined = fact.copy();
      role.attach(joined, known);
      out.collect(joined);
      return;
    }
    waiting.put(fact.key, fact);
    List<String> due = deadlines.get(fact.deadline);
    if (due == null) {
      due = new ArrayList<>();
      ctx.timerService().registerEventTimeTimer(fact.deadline);
    }
    due.add(fact.key);
    deadlines.put(fact.deadline, due);
  }

  /** A retraction ends a waiting triple here; one that has passed follows it downstream. */
  private void retract(KgEvent retraction, Collector<KgEvent> out) throws Exception {
    if (waiting.contains(retraction.key)) {
      waiting.remove(retraction.key);
      return;
    }
    out.collect(retraction);
  }

  /**
   * Sends the triples whose deadline is {@code time} and that still wait to the dead-letter topic.
   */
  private void expire(long time, OnTimerContext ctx) throws Exception {
    List<String> due = deadlines.get(time);
    if (due == null) {
      return;
    }
    deadlines.remove(time);
    for (String tripleId : due) {
      KgEvent fact = waiting.get(tripleId);
      if (fact == null || fact.deadline != time) {
        continue;
      }
      String reason =
          "unknown "
              + role.label
              + " '"
              + role.factKey(fact)
              + "' after waiting until event time "
              + java.time.Instant.ofEpochMilli(fact.deadline)
              + " for its description";
      ctx.output(IngestDeadLetters.TAG, IngestDeadLetters.of(fact, reason, time));
      counters.inc(Outcome.TRIPLES_EXPIRED);
      waiting.remove(tripleId);
    }
  }
}
