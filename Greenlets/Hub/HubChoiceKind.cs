namespace Greenlets.Internal;

/// <summary>What a hub chooses among at a choice point of an <see cref="IHubChooser"/>.</summary>
internal enum HubChoiceKind : byte
{
    /// <summary>Which ready greenlet runs next (a woken wait to resume or a task to start).</summary>
    Ready,

    /// <summary>Which of several timers due at the same instant fires next.</summary>
    Timer,
}
