package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's module descriptors: the modules resolve on a module path with their dependencies, export their
 * API packages and no {@code internal} one, and the command line runs against them (the library jars on the
 * module path, only the command line itself on the class path), which also exercises resources, reflection and
 * native loading inside named modules.
 */
class ModulePathTest {

    /** The library modules that carry a {@code module-info.java}, with the packages each must export. */
    private static final Map<String, Set<String>> LIBRARY = Map.of(
            "dev.contemplate.inference", Set.of("dev.contemplate.inference"),
            "dev.contemplate.inference.langchain4j", Set.of("dev.contemplate.inference.langchain4j"),
            "dev.contemplate.inference.onnx", Set.of("dev.contemplate.inference.onnx"),
            "dev.contemplate.inference.onnx.arithmetic", Set.of("dev.contemplate.inference.onnx.arithmetic"),
            "dev.contemplate.inference.simulated", Set.of("dev.contemplate.inference.simulated"),
            "dev.contemplate.agents", Set.of("dev.contemplate.agents"),
            "dev.contemplate.aggregation", Set.of("dev.contemplate.aggregation"),
            "dev.contemplate.orchestrator",
            Set.of("dev.contemplate.orchestrator", "dev.contemplate.orchestrator.langchain4j"),
            "dev.contemplate.research", Set.of("dev.contemplate.research.bench", "dev.contemplate.research.dataset",
                    "dev.contemplate.research.replay", "dev.contemplate.research.report"),
            "dev.contemplate.server", Set.of("dev.contemplate.server"));

    private static Configuration resolved;
    private static final List<Path> modulePath = new ArrayList<>();
    private static final List<Path> classPath = new ArrayList<>();

    @BeforeAll
    static void resolveTheLibraryFromTheTestClassPath() {
        Map<Path, ModuleReference> byEntry = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
                continue;
            }
            try {
                for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
                    byEntry.put(path, ref);
                }
            } catch (FindException notAModule) {
                // a class path entry the module system cannot name (for example a directory without a descriptor)
            }
        }
        // only real modules and named jars: skip test-jars and the command line's own classes
        Map<String, Path> byName = new LinkedHashMap<>();
        byEntry.forEach((path, ref) -> {
            String name = ref.descriptor().name();
            if (!name.endsWith(".testkit") && !name.startsWith("dev.contemplate.examples")) {
                byName.putIfAbsent(name, path);
            }
        });
        ModuleFinder finder = ModuleFinder.of(byName.values().toArray(Path[]::new));
        resolved = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), LIBRARY.keySet());
        Set<Path> onModulePath = resolved.modules().stream()
                .map(m -> Path.of(m.reference().location().orElseThrow()))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        modulePath.addAll(onModulePath);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!onModulePath.contains(path)) {
                classPath.add(path);
            }
        }
    }

    @Test
    void everyLibraryModuleResolvesWithItsDependencies() {
        Set<String> names = resolved.modules().stream().map(ResolvedModule::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).containsAll(LIBRARY.keySet());
        for (String name : LIBRARY.keySet()) {
            ModuleDescriptor descriptor = resolved.findModule(name).orElseThrow().reference().descriptor();
            assertThat(descriptor.isAutomatic()).as("%s has a module-info", name).isFalse();
        }
    }

    @Test
    void eachLibraryModuleExportsItsApiPackagesAndNoInternalOne() {
        for (var module : LIBRARY.entrySet()) {
            ModuleDescriptor descriptor = resolved.findModule(module.getKey()).orElseThrow().reference().descriptor();
            Set<String> exported = descriptor.exports().stream()
                    .filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet());
            assertThat(exported).as(module.getKey()).isEqualTo(module.getValue());
            assertThat(descriptor.exports()).as("%s: no exports to chosen modules either", module.getKey())
                    .noneMatch(ModuleDescriptor.Exports::isQualified);
            assertThat(exported).as("%s exports no internal package", module.getKey())
                    .noneMatch(p -> p.contains(".internal"));
            assertThat(descriptor.packages()).as("%s: every package under its base package", module.getKey())
                    .allSatisfy(p -> assertThat(p).startsWith(module.getKey()));
        }
        ModuleDescriptor orchestrator = resolved.findModule("dev.contemplate.orchestrator").orElseThrow().reference()
                .descriptor();
        assertThat(orchestrator.packages()).as("the internal packages are in the module, only not exported")
                .contains("dev.contemplate.orchestrator.internal");
    }

    @Test
    void askRunsTheEmbeddedModelWithTheLibraryOnTheModulePath() throws Exception {
        Run run = cli("ask", "What is 54+39-25+73?", "--json");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output).containsPattern("\"answer\"\\s*:\\s*\"141\"");
    }

    @Test
    void benchWritesItsReportWithTheLibraryOnTheModulePath(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("arith.jsonl");
        Files.writeString(data, """
                {"question": "What is 54+39-25+73?", "answer": "141"}
                {"question": "What is 12+7+30-9?", "answer": 40}
                """);
        Path out = dir.resolve("out");
        Run run = cli("bench", "--engine", "simulated", "--dataset", data.toString(), "--agents", "1,3",
                "--out", out.toString());
        assertThat(run.exit).as(run.output).isZero();
        assertThat(out.resolve("report.html")).content().contains("<svg");
        assertThat(out.resolve("bench.csv")).exists();
    }

    private record Run(int exit, String output) {
    }

    private static Run cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", join(modulePath),
                "--add-modules", String.join(",", LIBRARY.keySet()),
                "-cp", join(classPath),
                ContemplateCli.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command line did not end: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }
}
