using System.Collections.Concurrent;
using Greenlets.Tests;
using Microsoft.Extensions.Logging;

namespace Greenlets.Hosting.Tests;

/// <summary>One log call, as the test logger saw it.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>A logger provider that records every entry and lets a test wait for the first one that matches.</summary>
internal sealed class RecordingLogger : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Found)> _waiters = [];
    private readonly object _sync = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes with the first entry (past or future) that matches; fails after the shared hang timeout.</summary>
    public Task<LogEntry> WaitFor(Func<LogEntry, bool> match)
    {
        var found = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            if (_entries.FirstOrDefault(match) is { } entry)
            {
                return Task.FromResult(entry);
            }

            _waiters.Add((match, found));
        }

        return found.Task.WaitAsync(TestTimeouts.Unexpected);
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_sync)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.Where(w => w.Match(entry)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(entry);
            }
        }
    }

    private sealed class Logger(RecordingLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
