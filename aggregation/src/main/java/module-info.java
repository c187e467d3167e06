/**
 * Answer extraction, the tally, votes, judges, synthesis, verifiers and stopping rules. The semantic vote's
 * default embedding model is LangChain4j's bundled all-MiniLM-L6-v2 (quantised), loaded from its own jar.
 */
module dev.contemplate.aggregation {
    requires transitive dev.contemplate.agents;
    requires transitive langchain4j.core;
    requires langchain4j.embeddings;
    requires langchain4j.embeddings.all.minilm.l6.v2.q;
    requires org.apache.commons.numbers.gamma;

    exports dev.contemplate.aggregation;
}
