using System.Text.Json;
using Greenlets.Tests.Conformance;

namespace Greenlets.Tests;

/// <summary>
/// Random switch/throw/kill/return/raise/reparent programs, generated and run with Python's greenlet 2.0.2 by
/// <c>Conformance/generate.py</c>; each is replayed on <see cref="Greenlet"/>, on <see cref="AsyncGreenlet"/> and on the
/// executable model <see cref="SwitchModel"/>, and all must produce Python's log (values, caught exceptions, trace
/// events, states).
/// </summary>
public sealed class ConformanceTests
{
    private static List<(SwitchProgram Program, List<string> Log)> Corpus()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "programs.json")));
        return [.. doc.RootElement.GetProperty("programs").EnumerateArray()
            .Select(p => (SwitchProgram.FromJson(p), p.GetProperty("log").EnumerateArray().Select(e => e.GetString()!).ToList()))];
    }

    private static void AssertAllMatch(Func<SwitchProgram, List<string>> run)
    {
        var corpus = Corpus();
        var failures = new List<string>();
        for (int i = 0; i < corpus.Count; i++)
        {
            var (program, expected) = corpus[i];
            List<string> actual = run(program);
            if (!expected.SequenceEqual(actual))
            {
                int at = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
                failures.Add($"program {i}: first difference at line {at}: expected '{expected.ElementAtOrDefault(at)}', got '{actual.ElementAtOrDefault(at)}'\n{program}");
            }
        }

        Assert.True(corpus.Count >= 100, "the corpus is missing");
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} programs differ:\n" + string.Join("\n", failures.Take(3)));
    }

    [Fact]
    public void Programs_ReplayedOnGreenlet_MatchPythonGreenletLogs() => OnThread.Run(() => AssertAllMatch(ProgramRunner.Run));

    [Fact]
    public void Programs_ReplayedOnAsyncGreenlet_MatchPythonGreenletLogs() =>
        AssertAllMatch(program => ProgramRunner.Run(program, AsyncGreenletBackend.Instance));

    [Fact]
    public void Programs_ReplayedOnModel_MatchPythonGreenletLogs() => AssertAllMatch(SwitchModel.Run);
}
