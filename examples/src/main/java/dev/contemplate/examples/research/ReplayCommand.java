package dev.contemplate.examples.research;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.research.dataset.SkippedLine;
import dev.contemplate.research.replay.ReplayData;
import dev.contemplate.research.replay.ReplayFormat;
import dev.contemplate.research.replay.ReplayReader;
import dev.contemplate.research.replay.ReplayReport;
import dev.contemplate.research.replay.Replayer;
import dev.contemplate.research.replay.RuleResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code contemplate replay}: replays stopping and voting rules on recorded samples, without a model; the picocli
 * front end of {@code contemplate-research}'s replay. See {@link ReplayReader} for the formats and answer keys and
 * {@link Replayer} for the shuffle derivation.
 *
 * <p>Exit codes: 0 on success; 1 when the vote fails (the semantic vote's embedding model cannot run); 2 for invalid
 * options, and when the file cannot be read, holds no valid question, or has a malformed line under
 * {@code --strict}.
 */
@Command(name = "replay", sortOptions = false,
        description = {
            "Replays stopping and voting rules on recorded samples, without a model.",
            "For each rule and shuffle, each question's samples (the first --max) arrive in a random order and are"
                    + " tallied one by one until the rule stops; the vote's verdict is compared with the gold"
                    + " answer (free-form files: the sample that represents it must be labelled correct). Reports"
                    + " accuracy and mean samples used per rule, averaged over shuffles, with the standard"
                    + " deviation, minimum and maximum across shuffles."},
        footer = {
            "",
            "Formats (one JSON object a line):",
            "  esc       {\"question\": ..., \"answer\": GOLD, \"generated_answer\": [TEXT, ...]}",
            "  adaptive  {\"answers\": [ANSWER, ...], \"target\": GOLD}",
            "  compact   {\"gold\": GOLD, \"counts\": {ANSWER: COUNT, ...}}",
            "  freeform  {\"question\": TEXT, \"samples\": [{\"text\": TEXT, \"correct\": true|false,"
                    + " \"logprobs\": [LOGPROB, ...]}, ...]}  (logprobs optional)",
            "Without --extract: 'letters' when a question's gold is all letters, else 'numeric'; 'exact' for"
                    + " freeform. Raw texts (esc, freeform) are keyed by the extractor; golds and already extracted"
                    + " answers by the extractor when it finds something, else stripped and lower-cased.",
            "Votes: majority (default; on gold-answer files the voted key is compared with the gold), weighted"
                    + " (votes weigh exp(mean token log-probability), 1 without logprobs) and semantic (texts"
                    + " clustered by meaning with the embedded sentence model). Except majority on gold-answer"
                    + " files, each sample is cast as agent i's candidate and the vote decides; a question is right"
                    + " when the first sample in arrival order whose text is the decision's text is right"
                    + " (labelled correct, or keyed as the gold).",
            "Arrival order of question q (0-based) in shuffle s: Collections.shuffle of its sample indices with"
                    + " new Random(mix(mix(mix(seed) + s) + q)), mix = the SplitMix64 step; the i-th arrival votes as"
                    + " agent ordinal i, so ties go to the answer that arrived first.",
            "Malformed lines are reported on stderr with their line number and skipped (fatal with --strict)."})
public final class ReplayCommand implements Callable<Integer> {

    /** The rule set replayed when no {@code --stop} is given; {@code fixed:K} above {@code --max} is capped. */
    public static final List<String> DEFAULT_RULES = List.of("fixed:1", "fixed:3", "fixed:5", "fixed:10", "fixed:20",
            "fixed:40", "beta:0.95", "esc:5", "unassailable");

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The recorded samples (JSON lines).")
    private Path file;

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "esc, adaptive, compact or freeform (default: detected from the first valid line).")
    private ReplayFormat format;

    @Option(names = "--extract", paramLabel = "SPEC", converter = ExtractorConverter.class,
            description = "Answer extractor: numeric, letters, choice, choice:LETTERS, yesno, exact or"
                    + " regex:PATTERN (default: letters if the gold is all letters, else numeric).")
    private AnswerExtractor extractor;

    @Option(names = "--vote", paramLabel = "VOTE", defaultValue = Replayer.MAJORITY, converter = VoteConverter.class,
            description = "How samples are counted: majority, weighted or semantic (default: ${DEFAULT-VALUE}).")
    private String vote;

    @Option(names = "--stop", paramLabel = "RULE", split = ",", converter = RuleConverter.class,
            description = "A stopping rule to replay, repeatable: fixed, fixed:K, unassailable, beta:T, esc:W"
                    + " (default: fixed:1,3,5,10,20,40 capped at --max, beta:0.95, esc:5, unassailable).")
    private List<StoppingRule> stops;

    @Option(names = "--max", defaultValue = "40", paramLabel = "N",
            description = "The most samples per question (default: ${DEFAULT-VALUE}).")
    private int max;

    @Option(names = "--shuffles", defaultValue = "20", paramLabel = "N",
            description = "Arrival orders per question (default: ${DEFAULT-VALUE}).")
    private int shuffles;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the arrival orders (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--strict", description = "Fail with exit code 2 on any malformed line.")
    private boolean strict;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    private boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** Runs the command on its own; the {@code contemplate} command line registers it as {@code replay}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplayCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (max < 1) {
            throw new ParameterException(cl, "--max must be >= 1 but was " + max);
        }
        if (shuffles < 1) {
            throw new ParameterException(cl, "--shuffles must be >= 1 but was " + shuffles);
        }
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        List<StoppingRule> rules = rules();

        ReplayData data;
        try {
            data = new ReplayReader(Optional.ofNullable(format), Optional.ofNullable(extractor)).read(file);
        } catch (NoSuchFileException e) {
            err.println("replay: no such file: " + file);
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("replay: cannot read " + file + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        for (SkippedLine m : data.skipped()) {
            err.println(file + ": " + m + (strict ? "" : " (skipped)"));
        }
        if (strict && !data.skipped().isEmpty()) {
            err.println("replay: " + data.skipped().size() + " malformed line(s) in " + file + "; failing because"
                    + " of --strict");
            err.flush();
            return 2;
        }
        if (data.questions().isEmpty()) {
            err.println("replay: no valid question in " + file
                    + (data.format().isEmpty() ? " (format not recognised; see --format)" : ""));
            err.flush();
            return 2;
        }
        err.flush();

        List<RuleResult> results;
        try {
            results = Replayer.replay(data.questions(), rules, max, shuffles, seed, vote);
        } catch (IllegalStateException e) {
            err.println("replay: " + e.getMessage());
            err.flush();
            return 1;
        }
        ReplayReport report = new ReplayReport(file.toString(), data,
                Optional.ofNullable(extractor).map(Object::toString), max, shuffles, seed, results, vote);
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(report.json(mapper)));
        } else {
            out.print(report.table());
        }
        out.flush();
        return 0;
    }

    /** Returns the rules to replay, duplicates (by name) removed, in the order given. */
    private List<StoppingRule> rules() {
        Map<String, StoppingRule> byName = new LinkedHashMap<>();
        if (stops == null || stops.isEmpty()) {
            for (String s : DEFAULT_RULES) {
                StoppingRule r = StoppingRules.parse(s);
                if (s.startsWith("fixed:") && Integer.parseInt(s.substring(6)) > max) {
                    r = StoppingRules.fixed(max);
                }
                byName.putIfAbsent(r.name(), r);
            }
        } else {
            for (StoppingRule r : stops) {
                byName.putIfAbsent(r.name(), r);
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** Picocli converter for {@code --format}, by {@link ReplayFormat#parse}. */
    public static final class FormatConverter implements ITypeConverter<ReplayFormat> {
        @Override
        public ReplayFormat convert(String value) {
            try {
                return ReplayFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli converter for {@code --stop}, by {@link StoppingRules#parse}. */
    public static final class RuleConverter implements ITypeConverter<StoppingRule> {
        @Override
        public StoppingRule convert(String value) {
            try {
                return StoppingRules.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli converter for {@code --vote}, by {@link Replayer#checkVote}: the name, lower-cased. */
    public static final class VoteConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return Replayer.checkVote(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli converter for {@code --extract}, by {@link AnswerExtractors#parse}. */
    public static final class ExtractorConverter implements ITypeConverter<AnswerExtractor> {
        @Override
        public AnswerExtractor convert(String value) {
            try {
                return AnswerExtractors.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
