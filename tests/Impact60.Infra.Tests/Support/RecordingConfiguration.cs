using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// An <see cref="IConfiguration"/> over a real one that records the path of every key read from it: indexer reads,
/// <c>GetSection</c> (and so <c>GetValue</c>, <c>GetConnectionString</c>), a section's <c>Value</c>, and what the
/// options binder reads when it binds a section (it asks each public settable property by name). Paths are recorded
/// as configuration paths (<c>Notices:From</c>); <see cref="Reads"/> gives them as app setting names
/// (<c>Notices__From</c>).
/// </summary>
public class RecordingConfiguration : IConfiguration
{
    private readonly IConfiguration _inner;
    private readonly HashSet<string> _paths;
    private readonly string? _prefix;

    public RecordingConfiguration(IConfiguration inner)
        : this(inner, new HashSet<string>(StringComparer.OrdinalIgnoreCase), null)
    {
    }

    protected RecordingConfiguration(IConfiguration inner, HashSet<string> paths, string? prefix)
    {
        _inner = inner;
        _paths = paths;
        _prefix = prefix;
    }

    /// <summary>Every key read so far, as an app setting name (<c>:</c> written <c>__</c>).</summary>
    public IReadOnlySet<string> Reads
    {
        get
        {
            lock (_paths)
            {
                return _paths.Select(AppSettingName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    public static string AppSettingName(string path) => path.Replace(":", "__", StringComparison.Ordinal);

    public string? this[string key]
    {
        get
        {
            Record(key);
            return _inner[key];
        }
        set => _inner[key] = value;
    }

    public IConfigurationSection GetSection(string key)
    {
        Record(key);
        return new RecordingSection(_inner.GetSection(key), _paths);
    }

    public IEnumerable<IConfigurationSection> GetChildren() =>
        _inner.GetChildren().Select(c => new RecordingSection(c, _paths)).ToList();

    public IChangeToken GetReloadToken() => _inner.GetReloadToken();

    protected void RecordPath(string path)
    {
        lock (_paths)
        {
            _paths.Add(path);
        }
    }

    private void Record(string key) => RecordPath(_prefix is null ? key : ConfigurationPath.Combine(_prefix, key));

    private sealed class RecordingSection(IConfigurationSection inner, HashSet<string> paths)
        : RecordingConfiguration(inner, paths, inner.Path), IConfigurationSection
    {
        public string Key => inner.Key;

        public string Path => inner.Path;

        public string? Value
        {
            get
            {
                RecordPath(inner.Path);
                return inner.Value;
            }
            set => inner.Value = value;
        }
    }
}
