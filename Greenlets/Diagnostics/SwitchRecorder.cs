using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>Records the switches and throws of this thread's greenlet tree, for tests that assert switch order and for timelines.</summary>
/// <remarks>
/// <para>Creating a recorder installs it as the tracer of the calling thread's greenlet tree and of the calling flow's
/// <see cref="AsyncGreenlet"/> tree (created if need be), chaining any tracer already set on each; disposing it restores
/// those tracers. Each transfer becomes one event: <c>"main -> gr1"</c> for a switch and <c>"gr1 !> main"</c> for an
/// exception, named by <see cref="Greenlet.Name"/> or <see cref="AsyncGreenlet.Name"/> at the time of the event. Both
/// kinds land in one list, in the order they happened.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class SwitchRecorder : IDisposable
{
    // Null for a recorder of one tree (the test scheduler's): that tree's baton orders its events, and the log publishes
    // each entry before its count, so appending needs no lock (issue 13: the lock was a tenth of a test run's cost).
    private readonly Lock? _lock;
    private readonly SwitchEntryLog<Entry> _entries = new();
    private readonly TreeState? _tree;
    private readonly GreenletTracer? _previous;
    private readonly GreenletTracer _tracer;
    private readonly AsyncTree? _asyncTree;
    private readonly AsyncGreenletTracer? _previousAsync;
    private readonly AsyncGreenletTracer _asyncTracer;
    private readonly bool _timestamps;
    private readonly long _start = Stopwatch.GetTimestamp();
    private bool _disposed;

    /// <summary>Starts recording this thread's switches.</summary>
    public SwitchRecorder()
        : this(SwitchRecorderScope.ThreadAndFlow, timestamps: true)
    {
    }

    /// <summary>Starts recording the switches of the trees <paramref name="scope"/> names.</summary>
    /// <param name="scope">The calling thread's greenlet tree, the calling flow's async tree, or both.</param>
    /// <param name="timestamps">Whether to take a timestamp per event (for <see cref="ToChromeTrace"/>); a test run that
    /// only reads <see cref="Events"/> spares the clock read (about 30 ns here) on every switch.</param>
    internal SwitchRecorder(SwitchRecorderScope scope, bool timestamps)
    {
        _timestamps = timestamps;
        _lock = scope == SwitchRecorderScope.ThreadAndFlow ? new Lock() : null;
        _tracer = OnEvent;
        _asyncTracer = OnAsyncEvent;
        if (scope != SwitchRecorderScope.Flow)
        {
            // The tree itself, not "the current thread's": async code may dispose the recorder on another thread.
            _tree = GreenletCore.Ensure().Tree!;
            _previous = _tree.Tracer;
            _tree.Tracer = _tracer;
        }

        if (scope != SwitchRecorderScope.Thread)
        {
            _asyncTree = AsyncTree.OfFlow();
            _previousAsync = _asyncTree.Tracer;
            _asyncTree.Tracer = _asyncTracer;
        }
    }

    /// <summary>Gets the recorded events, oldest first: <c>"a -> b"</c> for a switch, <c>"a !> b"</c> for a throw.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            return [.. Snapshot().Items().Select(e => e.ToString())];
        }
    }

    /// <summary>Gets the events recorded so far as a list whose strings are built only when read.</summary>
    internal IReadOnlyList<string> LazyEvents()
    {
        SwitchEntryLog<Entry>.View entries = Snapshot();
        return entries.Count == 0 ? [] : new SwitchEventList(entries);
    }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"SwitchRecorder: {Snapshot().Count} events";

    /// <summary>Stops recording and restores the tracers that were set before, where this recorder is still the tracer.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_tree is not null && _tree.Tracer == _tracer)
        {
            _tree.Tracer = _previous;
        }

        if (_asyncTree is not null && _asyncTree.Tracer == _asyncTracer)
        {
            _asyncTree.Tracer = _previousAsync;
        }
    }

    /// <summary>Renders the events as a Mermaid <c>sequenceDiagram</c>.</summary>
    /// <returns>Mermaid source: one participant per greenlet, a solid arrow per switch and a crossed one per throw.</returns>
    public string ToMermaid()
    {
        SwitchEntryLog<Entry>.View entries = Snapshot();
        List<string> names = Participants(entries);
        var text = new StringBuilder("sequenceDiagram\n");
        for (int i = 0; i < names.Count; i++)
        {
            text.Append(FormattableString.Invariant($"    participant p{i} as {MermaidText(names[i])}\n"));
        }

        foreach (Entry e in entries.Items())
        {
            string arrow = e.Event == GreenletTraceEvent.Throw ? "-x" : "->>";
            string label = e.Event == GreenletTraceEvent.Throw ? "throw" : "switch";
            text.Append(FormattableString.Invariant($"    p{names.IndexOf(e.Origin)}{arrow}p{names.IndexOf(e.Target)}: {label}\n"));
        }

        return text.ToString();
    }

    /// <summary>Renders the events as Trace Event Format JSON for <c>chrome://tracing</c> or Perfetto.</summary>
    /// <returns>A JSON object whose <c>traceEvents</c> hold one lane per greenlet, a slice per period it ran, and an
    /// instant event per transfer.</returns>
    public string ToChromeTrace()
    {
        SwitchEntryLog<Entry>.View entries = Snapshot();
        List<string> names = Participants(entries);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("displayTimeUnit", "ns");
            json.WriteStartArray("traceEvents");
            for (int i = 0; i < names.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("name", "thread_name");
                json.WriteString("ph", "M");
                json.WriteNumber("pid", 1);
                json.WriteNumber("tid", i + 1);
                json.WriteStartObject("args");
                json.WriteString("name", names[i]);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            double end = entries.Count == 0 ? 0 : Micros(Stopwatch.GetTimestamp());
            for (int i = 0; i < entries.Count; i++)
            {
                Entry e = entries[i];
                double ts = Micros(e.Timestamp);
                double next = i + 1 < entries.Count ? Micros(entries[i + 1].Timestamp) : end;
                json.WriteStartObject();
                json.WriteString("name", e.Target);
                json.WriteString("cat", "greenlet");
                json.WriteString("ph", "X");
                json.WriteNumber("ts", ts);
                json.WriteNumber("dur", Math.Max(0, next - ts));
                json.WriteNumber("pid", 1);
                json.WriteNumber("tid", names.IndexOf(e.Target) + 1);
                json.WriteEndObject();

                json.WriteStartObject();
                json.WriteString("name", e.ToString());
                json.WriteString("cat", e.Event == GreenletTraceEvent.Throw ? "throw" : "switch");
                json.WriteString("ph", "i");
                json.WriteString("s", "p");
                json.WriteNumber("ts", ts);
                json.WriteNumber("pid", 1);
                json.WriteNumber("tid", names.IndexOf(e.Origin) + 1);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string MermaidText(string name)
    {
        var safe = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            safe.Append(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '<' or '>' ? c : '_');
        }

        return safe.ToString().Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    private static List<string> Participants(SwitchEntryLog<Entry>.View entries)
    {
        var names = new List<string>();
        foreach (Entry e in entries.Items())
        {
            if (!names.Contains(e.Origin))
            {
                names.Add(e.Origin);
            }

            if (!names.Contains(e.Target))
            {
                names.Add(e.Target);
            }
        }

        return names;
    }

    private double Micros(long timestamp) => (timestamp - _start) * 1_000_000.0 / Stopwatch.Frequency;

    private SwitchEntryLog<Entry>.View Snapshot()
    {
        if (_lock is null)
        {
            return _entries.Snapshot();
        }

        lock (_lock)
        {
            return _entries.Snapshot();
        }
    }

    private void Append(GreenletTraceEvent traceEvent, string origin, string target)
    {
        var entry = new Entry(traceEvent, origin, target, _timestamps ? Stopwatch.GetTimestamp() : _start);
        if (_lock is null)
        {
            _entries.Add(entry);
            return;
        }

        lock (_lock)
        {
            _entries.Add(entry);
        }
    }

    private void OnEvent(GreenletTraceEvent traceEvent, Greenlet origin, Greenlet target)
    {
        Append(traceEvent, origin.Name, target.Name);
        _previous?.Invoke(traceEvent, origin, target);
    }

    private void OnAsyncEvent(GreenletTraceEvent traceEvent, AsyncGreenlet origin, AsyncGreenlet target)
    {
        Append(traceEvent, origin.Name, target.Name);
        _previousAsync?.Invoke(traceEvent, origin, target);
    }

    internal readonly record struct Entry(GreenletTraceEvent Event, string Origin, string Target, long Timestamp)
    {
        public override string ToString() => Event == GreenletTraceEvent.Throw ? $"{Origin} !> {Target}" : $"{Origin} -> {Target}";
    }
}
