package dev.contemplate.examples.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import dev.contemplate.examples.research.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code contemplate} command line: {@code ask} contemplates one question, {@code bench} measures accuracy,
 * latency and tokens over a data set for several team sizes. Run {@code java -jar contemplate.jar --help}.
 *
 * <p>Every error is one line on standard error with a non-zero exit code, never a stack trace (set
 * {@code CONTEMPLATE_DEBUG=1} to get one as well): {@value ExitCodes#USAGE} for bad input,
 * {@value ExitCodes#NO_ANSWER} when a contemplation ends without an answer, {@value ExitCodes#ENGINE_UNAVAILABLE}
 * when no engine can run.
 */
@Command(name = "contemplate", mixinStandardHelpOptions = true, versionProvider = ContemplateCli.Version.class,
        usageHelpAutoWidth = true,
        subcommands = {AskCommand.class, BenchCommand.class, ReplayCommand.class, ServeCommand.class, LoadCommand.class,
            CommandLine.HelpCommand.class},
        description = {
            "Contemplate mode: N agents answer the same question in parallel over one inference engine, their "
                    + "answers are extracted and voted on, a stopping rule ends the run as soon as the outcome is "
                    + "settled, and a latency budget is never overrun.",
            "",
            "Engines: embedded (the default: the project's ONNX demo arithmetic model, offline), openai (any "
                    + "OpenAI-compatible server), simulated (a research tool: answers drawn from programmed "
                    + "distributions, labelled simulated)."},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  " + EngineOptions.ENV_BASE_URL + "  base URL of an OpenAI-compatible server (e.g.",
            "                        http://localhost:8000/v1); selects the openai engine",
            "                        when --engine is not given",
            "  " + EngineOptions.ENV_API_KEY + "   API key of that server",
            "  " + EngineOptions.ENV_MODEL + "     model name on that server",
            "  CONTEMPLATE_DEBUG     set to 1 to print the stack traces of errors as well"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:no answer (no agent answered within the budget, every agent failed)",
            "2:bad input (options, question, data set)",
            "3:no engine available (server unreachable, embedded engine missing)"})
public final class ContemplateCli implements Callable<Integer> {

    /** The most agents one contemplation may have. */
    static final int MAX_AGENTS = 1000;

    private final Map<String, String> env;
    private final boolean interactive;
    private final PrintWriter out;
    private final PrintWriter err;

    private ContemplateCli(Map<String, String> env, boolean interactive, PrintWriter out, PrintWriter err) {
        this.env = Map.copyOf(env);
        this.interactive = interactive;
        this.out = out;
        this.err = err;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, System.getenv(), System.console() != null, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line in this process and returns its exit code; for tests and embedding.
     *
     * @param args the arguments
     * @param env the environment variables to read ({@code CONTEMPLATE_BASE_URL}, ...)
     * @param interactive whether standard error is a terminal (progress lines are shown only then)
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int execute(String[] args, Map<String, String> env, boolean interactive, PrintWriter out,
            PrintWriter err) {
        Objects.requireNonNull(args, "args");
        ContemplateCli root = new ContemplateCli(env, interactive, out, err);
        CommandLine cmd = new CommandLine(root);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            // picocli's messages echo the offending argument in full: quote it as every other message does
            String message = CliException.printable(CliException.quoting(ex.getMessage(), arguments));
            c.getErr().println(name + ": " + message + " (see '" + name + " --help')");
            c.getErr().flush();
            return ExitCodes.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String name = c.getCommandSpec().qualifiedName();
            if (ex instanceof CliException e) {
                c.getErr().println(name + ": " + e.getMessage());
            } else {
                c.getErr().println(name + ": internal error: " + ex.getClass().getSimpleName() + ": "
                        + CliException.printable(String.valueOf(ex.getMessage())));
            }
            if ("1".equals(env.get("CONTEMPLATE_DEBUG"))) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return ex instanceof CliException e ? e.exitCode() : ExitCodes.NO_ANSWER;
        });
        return cmd.execute(args);
    }

    /** Without a command: a one-line hint. */
    @Override
    public Integer call() {
        err.println("contemplate: missing command; try 'contemplate ask \"What is 54+39-25+73?\"' or "
                + "'contemplate --help'");
        err.flush();
        return ExitCodes.USAGE;
    }

    Map<String, String> env() {
        return env;
    }

    boolean interactive() {
        return interactive;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Checks an agent count. */
    static void checkAgents(int n) {
        if (n < 1 || n > MAX_AGENTS) {
            throw CliException.usage("the number of agents must be between 1 and " + MAX_AGENTS + " but was " + n);
        }
    }

    /** Reads the version from the jar's Maven metadata. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = "development build";
            try (InputStream in = ContemplateCli.class.getResourceAsStream(
                    "/META-INF/maven/dev.contemplate/contemplate-examples/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    version = p.getProperty("version", version);
                }
            } catch (java.io.IOException e) {
                // keep the default
            }
            return new String[] {"contemplate " + version};
        }
    }
}
