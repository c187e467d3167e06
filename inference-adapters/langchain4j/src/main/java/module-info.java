/**
 * Any LangChain4j chat model as a Contemplate engine. LangChain4j's jars carry no module name of their own, so
 * they are required by the names the module system derives from their file names ({@code langchain4j.core}).
 */
module dev.contemplate.inference.langchain4j {
    requires transitive dev.contemplate.inference;
    requires transitive langchain4j.core;
    requires static langchain4j.open.ai;

    exports dev.contemplate.inference.langchain4j;
}
