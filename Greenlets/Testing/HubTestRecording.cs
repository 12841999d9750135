using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>What a run of either hub's test does around its body, written once: the clock (virtual or real), the
/// first failure the hub reports while the body runs, the switch recorder and the outcome built from the chooser.</summary>
/// <remarks>Each <see cref="HubTestSubject"/> makes its own hub on <see cref="Time"/>, forwards that hub's reports to
/// <see cref="Report"/>, runs the body between <see cref="StartRecording"/> and <see cref="StopRecording"/>, ends its
/// hub, and returns <see cref="Outcome"/>.</remarks>
internal sealed class HubTestRecording(HubScheduleChooser chooser, bool virtualTime) : IDisposable
{
    private readonly long _realStart = Stopwatch.GetTimestamp();
    private SwitchRecorder? _recorder;
    private IReadOnlyList<string> _events = [];
    private Exception? _unobserved;
    private bool _stopped;
    private TimeSpan _elapsed;

    /// <summary>Gets the virtual clock, or null when the run keeps real time.</summary>
    public HubVirtualClock? Clock { get; } = virtualTime ? new HubVirtualClock() : null;

    /// <summary>Gets the time the run's hub must use.</summary>
    public TimeProvider Time => Clock ?? TimeProvider.System;

    /// <summary>Notes a failure the hub reported (an unhandled greenlet failure); the first one before the stop counts.</summary>
    public void Report(Exception error)
    {
        if (!_stopped)
        {
            _unobserved ??= error;
        }
    }

    /// <summary>Starts recording switches; call it on the thread (flow) that runs the body.</summary>
    /// <param name="scope">The trees the body's greenlets live in.</param>
    /// <remarks>Without timestamps: a run exposes its events, never a timeline.</remarks>
    public void StartRecording(SwitchRecorderScope scope) => _recorder = new SwitchRecorder(scope, timestamps: false);

    /// <summary>Stops recording, stops the chooser and takes the elapsed time, before the hub is ended.</summary>
    public void StopRecording()
    {
        _events = _recorder?.LazyEvents() ?? [];
        Dispose();

        _stopped = true;
        chooser.Stop();
        _elapsed = Clock?.Elapsed ?? Stopwatch.GetElapsedTime(_realStart);
    }

    /// <summary>Stops recording switches (restores the tracers), if not stopped yet; a run that fails outside its body
    /// still leaves the tracers as they were.</summary>
    public void Dispose()
    {
        _recorder?.Dispose();
        _recorder = null;
    }

    /// <summary>Builds the outcome of the run: the body's failure, else the first reported one, with the schedule.</summary>
    public HubTestOutcome Outcome(Exception? failure) =>
        new(failure ?? _unobserved, chooser.Log, _events, _elapsed);
}
