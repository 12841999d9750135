using System.Runtime.CompilerServices;

namespace Greenlets.Tests;

/// <summary>
/// What every <see cref="IGreenletBackend"/> shares: one handle per greenlet, kept while the greenlet lives, that reads
/// its properties through, maps its parent to a handle and describes it as the greenlet does. A backend gives only its
/// greenlet kind's own members (<see cref="NameOf"/> to <see cref="ThrowInto"/>).
/// </summary>
/// <typeparam name="TGreenlet">The greenlet kind: <see cref="Greenlet"/> or <see cref="AsyncGreenlet"/>.</typeparam>
public abstract class GreenletBackend<TGreenlet> : IGreenletBackend
    where TGreenlet : class
{
    private static readonly ConditionalWeakTable<TGreenlet, Handle> Handles = [];

    public abstract IGreenletHandle Current { get; }

    public abstract bool IsTracing { get; }

    public abstract void RunMain(Func<Task> body);

    public abstract IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null);

    public abstract IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null);

    public abstract void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer);

    /// <summary>Returns the one handle of <paramref name="greenlet"/>.</summary>
    protected IGreenletHandle Wrap(TGreenlet greenlet) => Handles.GetValue(greenlet, g => new Handle(this, g));

    /// <summary>Returns the greenlet behind <paramref name="handle"/>, or null for none.</summary>
    protected static TGreenlet? Unwrap(IGreenletHandle? handle) => ((Handle?)handle)?.Greenlet;

    protected abstract string NameOf(TGreenlet greenlet);

    protected abstract void SetName(TGreenlet greenlet, string name);

    protected abstract TGreenlet? ParentOf(TGreenlet greenlet);

    protected abstract void SetParent(TGreenlet greenlet, TGreenlet? parent);

    /// <summary>Reads the greenlet's lifecycle properties, each as the greenlet itself answers it (its name is not
    /// read: a default name is numbered when first read).</summary>
    protected abstract Lifecycle LifecycleOf(TGreenlet greenlet);

    protected abstract Task<object?> SwitchInto(TGreenlet greenlet, object? value);

    protected abstract Task<object?> ThrowInto(TGreenlet greenlet, Exception? exception);

    /// <summary>A greenlet's lifecycle properties.</summary>
    protected readonly record struct Lifecycle(GreenletState State, bool IsStarted, bool IsActive, bool IsDead, bool IsMain);

    private sealed class Handle(GreenletBackend<TGreenlet> backend, TGreenlet greenlet) : IGreenletHandle
    {
        public TGreenlet Greenlet { get; } = greenlet;

        public string Name
        {
            get => backend.NameOf(Greenlet);
            set => backend.SetName(Greenlet, value);
        }

        public IGreenletHandle? Parent
        {
            get => backend.ParentOf(Greenlet) is { } p ? backend.Wrap(p) : null;
            set => backend.SetParent(Greenlet, Unwrap(value));
        }

        public GreenletState State => backend.LifecycleOf(Greenlet).State;

        public bool IsStarted => backend.LifecycleOf(Greenlet).IsStarted;

        public bool IsActive => backend.LifecycleOf(Greenlet).IsActive;

        public bool IsDead => backend.LifecycleOf(Greenlet).IsDead;

        public bool IsMain => backend.LifecycleOf(Greenlet).IsMain;

        public Task<object?> Switch(object? value = null) => backend.SwitchInto(Greenlet, value);

        public Task<object?> Throw(Exception? exception = null) => backend.ThrowInto(Greenlet, exception);

        public override string? ToString() => Greenlet.ToString();
    }
}
