using System.Text.Json;
using Greenlets.Tests.Conformance;

namespace Greenlets.Tests;

/// <summary>The random greenlet programs recorded with Python's greenlet (see <see cref="ConformanceTests"/>), replayed on <see cref="AsyncGreenlet"/>.</summary>
public sealed class AsyncConformanceTests
{
    [Fact]
    public void Programs_ReplayedOnAsyncGreenlet_MatchPythonGreenletLogs()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "programs.json")));
        var corpus = doc.RootElement.GetProperty("programs").EnumerateArray()
            .Select(p => (Program: SwitchProgram.FromJson(p), Log: p.GetProperty("log").EnumerateArray().Select(e => e.GetString()!).ToList()))
            .ToList();
        var failures = new List<string>();
        for (int i = 0; i < corpus.Count; i++)
        {
            var (program, expected) = corpus[i];
            List<string> actual = AsyncProgramRunner.Run(program);
            if (!expected.SequenceEqual(actual))
            {
                int at = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
                failures.Add($"program {i}: first difference at line {at}: expected '{expected.ElementAtOrDefault(at)}', got '{actual.ElementAtOrDefault(at)}'\n{program}");
            }
        }

        Assert.True(corpus.Count >= 100, "the corpus is missing");
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} programs differ:\n" + string.Join("\n", failures.Take(3)));
    }
}
