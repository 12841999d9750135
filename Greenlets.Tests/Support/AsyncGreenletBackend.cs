using System.Runtime.CompilerServices;

namespace Greenlets.Tests;

/// <summary><see cref="AsyncGreenlet"/> behind <see cref="IGreenletBackend"/>: each main runs in a fresh async flow (its own tree).</summary>
public sealed class AsyncGreenletBackend : IGreenletBackend
{
    private static readonly ConditionalWeakTable<AsyncGreenlet, Handle> Handles = [];

    public static AsyncGreenletBackend Instance { get; } = new();

    public IGreenletHandle Current => Wrap(AsyncGreenlet.Current);

    public bool IsTracing => AsyncGreenlet.GetTrace() is not null;

    public void RunMain(Func<Task> body) => AsyncTestFlow.Run(body);

    public IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null) =>
        Wrap(new AsyncGreenlet(arg => new ValueTask<object?>(run(arg)), Unwrap(parent)));

    public IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null)
    {
        // An async greenlet always has a body: a null one is refused at construction, before anything changes.
        Assert.Throws<ArgumentNullException>(() => new AsyncGreenlet(null!, Unwrap(parent)));
        return null;
    }

    public void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer) =>
        AsyncGreenlet.SetTrace(tracer is null ? null : (e, o, t) => tracer(e, Wrap(o), Wrap(t)));

    private static Handle Wrap(AsyncGreenlet greenlet) => Handles.GetValue(greenlet, g => new Handle(g));

    private static AsyncGreenlet? Unwrap(IGreenletHandle? handle) => ((Handle?)handle)?.Greenlet;

    private sealed class Handle(AsyncGreenlet greenlet) : IGreenletHandle
    {
        public AsyncGreenlet Greenlet { get; } = greenlet;

        public string Name
        {
            get => Greenlet.Name;
            set => Greenlet.Name = value;
        }

        public IGreenletHandle? Parent
        {
            get => Greenlet.Parent is { } p ? Wrap(p) : null;
            set => Greenlet.Parent = Unwrap(value)!;
        }

        public GreenletState State => Greenlet.State;

        public bool IsStarted => Greenlet.IsStarted;

        public bool IsActive => Greenlet.IsActive;

        public bool IsDead => Greenlet.IsDead;

        public bool IsMain => Greenlet.IsMain;

        public async Task<object?> Switch(object? value = null) => await Greenlet.SwitchAsync(value);

        public async Task<object?> Throw(Exception? exception = null) => await Greenlet.ThrowAsync(exception);

        public override string ToString() => Greenlet.ToString();
    }
}
