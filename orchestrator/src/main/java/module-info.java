/**
 * The contemplator (modes, budgets, waves, cancellation, events, guard rails, metrics) and the LangChain4j chat
 * model decorators.
 */
module dev.contemplate.orchestrator {
    requires transitive dev.contemplate.aggregation;
    requires transitive dev.contemplate.inference.langchain4j;
    requires transitive io.github.resilience4j.core;
    requires transitive io.github.resilience4j.retry;
    requires transitive io.github.resilience4j.circuitbreaker;
    requires transitive io.github.resilience4j.bulkhead;
    requires transitive io.github.resilience4j.ratelimiter;
    requires transitive io.github.resilience4j.timelimiter;
    requires io.github.resilience4j.reactor;
    requires transitive micrometer.core;
    requires transitive micrometer.observation;
    requires micrometer.commons;
    requires org.slf4j;

    exports dev.contemplate.orchestrator;
    exports dev.contemplate.orchestrator.langchain4j;
}
