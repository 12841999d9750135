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
    private readonly Lock _lock = new();
    private readonly SwitchEntryLog<Entry> _entries = new();
    private readonly GreenletTracer? _previous;
    private readonly GreenletTracer _tracer;
    private readonly AsyncGreenletTracer? _previousAsync;
    private readonly AsyncGreenletTracer _asyncTracer;
    private readonly long _start = Stopwatch.GetTimestamp();
    private bool _disposed;

    /// <summary>Starts recording this thread's switches.</summary>
    public SwitchRecorder()
    {
        _tracer = OnEvent;
        _previous = Greenlet.SetTrace(_tracer);
        _asyncTracer = OnAsyncEvent;
        _previousAsync = AsyncGreenlet.SetTrace(_asyncTracer);
    }

    /// <summary>Gets the recorded events, oldest first: <c>"a -> b"</c> for a switch, <c>"a !> b"</c> for a throw.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Snapshot().Items().Select(e => e.ToString())];
            }
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
        if (Greenlet.GetTrace() == _tracer)
        {
            Greenlet.SetTrace(_previous);
        }

        if (AsyncGreenlet.GetTrace() == _asyncTracer)
        {
            AsyncGreenlet.SetTrace(_previousAsync);
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
        lock (_lock)
        {
            return _entries.Snapshot();
        }
    }

    private void OnEvent(GreenletTraceEvent traceEvent, Greenlet origin, Greenlet target)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(traceEvent, origin.Name, target.Name, Stopwatch.GetTimestamp()));
        }

        _previous?.Invoke(traceEvent, origin, target);
    }

    private void OnAsyncEvent(GreenletTraceEvent traceEvent, AsyncGreenlet origin, AsyncGreenlet target)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(traceEvent, origin.Name, target.Name, Stopwatch.GetTimestamp()));
        }

        _previousAsync?.Invoke(traceEvent, origin, target);
    }

    internal readonly record struct Entry(GreenletTraceEvent Event, string Origin, string Target, long Timestamp)
    {
        public override string ToString() => Event == GreenletTraceEvent.Throw ? $"{Origin} !> {Target}" : $"{Origin} -> {Target}";
    }
}
