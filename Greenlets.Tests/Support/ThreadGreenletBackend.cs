using System.Runtime.CompilerServices;

namespace Greenlets.Tests;

/// <summary><see cref="Greenlet"/> (thread fibers) behind <see cref="IGreenletBackend"/>: each main runs on its own thread's tree.</summary>
public sealed class ThreadGreenletBackend : IGreenletBackend
{
    private static readonly ConditionalWeakTable<Greenlet, Handle> Handles = [];

    public static ThreadGreenletBackend Instance { get; } = new();

    public IGreenletHandle Current => Wrap(Greenlet.Current);

    public bool IsTracing => Greenlet.GetTrace() is not null;

    public void RunMain(Func<Task> body) => OnThread.Run(() => body().GetAwaiter().GetResult());

    public IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null) =>
        Wrap(new Greenlet(arg => run(arg).GetAwaiter().GetResult(), Unwrap(parent)));

    public IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null) => Wrap(new NoRunGreenlet(Unwrap(parent)));

    public void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer) =>
        Greenlet.SetTrace(tracer is null ? null : (e, o, t) => tracer(e, Wrap(o), Wrap(t)));

    private static Handle Wrap(Greenlet greenlet) => Handles.GetValue(greenlet, g => new Handle(g));

    private static Greenlet? Unwrap(IGreenletHandle? handle) => ((Handle?)handle)?.Greenlet;

    // The thread backend's operations are synchronous: their outcome, as a completed task.
    private static Task<object?> Complete(Func<object?> operation)
    {
        try
        {
            return Task.FromResult(operation());
        }
        catch (Exception e)
        {
            return Task.FromException<object?>(e);
        }
    }

    private sealed class Handle(Greenlet greenlet) : IGreenletHandle
    {
        public Greenlet Greenlet { get; } = greenlet;

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

        public Task<object?> Switch(object? value = null) => Complete(() => Greenlet.Switch(value));

        public Task<object?> Throw(Exception? exception = null) => Complete(() => Greenlet.Throw(exception));

        public override string ToString() => Greenlet.ToString();
    }
}
