/**
 * The engine SPI of Contemplate: {@link dev.contemplate.inference.InferenceEngine}, its request, event and
 * capability values and its typed errors. Every engine adapter and every higher module builds on it.
 */
module dev.contemplate.inference {
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires static transitive org.jspecify;

    exports dev.contemplate.inference;
}
