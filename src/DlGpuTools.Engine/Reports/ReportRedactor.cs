using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using DlGpuTools.Interop;

namespace DlGpuTools.Reports
{
    /// <summary>
    /// What a report may show when it is pasted in public, in three layers:
    /// <list type="number">
    /// <item>which variables show a value at all: an allow-list, because a name cannot tell a secret (NVIDIA_PASS,
    /// CUDA_PWD and CUDNN_BEARER passed a deny-list of words like TOKEN and KEY);</item>
    /// <item>what is cut from any text that is shown (<see cref="Scrub"/>): credentials in URLs, PEM blocks and anything
    /// shaped like a key, since an allow-listed CUDA_HOME or LD_LIBRARY_PATH can still hold one;</item>
    /// <item>who and where (<see cref="Text"/>, for Markdown and -Redact): the home folder as ~, and with -Redact GPU UUIDs,
    /// the host name, user names and other users' home folders.</item>
    /// </list>
    /// Each pattern below is linear in its input (a class run is scanned once from where it starts, and a look-behind
    /// stops a scan from restarting inside a run), because variable values and file names come from the machine
    /// being reported on; a match timeout backs that up, and a value that still times out is hidden whole.
    /// </summary>
    public sealed class ReportRedactor
    {
        /// <summary>What replaces a secret.</summary>
        public const string Hidden = "***";

        /// <summary>What replaces a whole value that could not be checked in time.</summary>
        public const string Unchecked = "(hidden: could not be checked)";

        // The variables read into a report at all: the ones that steer CUDA, the driver, cuDNN and this module.
        private static readonly string[] RelevantPrefixes = { "CUDA", "NVIDIA", "CUDNN", "DLGPUTOOLS" };

        // The variables whose values a report shows. Each says which GPUs a process sees, where the toolkit and cuDNN are,
        // what a container image was built for, or how the driver loads and runs kernels, and none holds a credential by
        // its nature. Every other relevant variable is named with "(value hidden)".
        private static readonly HashSet<string> ShownVariables = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            // Which GPUs, in which order (CUDA, and the NVIDIA container runtime).
            "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
            "NVIDIA_MIG_CONFIG_DEVICES", "NVIDIA_MIG_MONITOR_DEVICES",
            // Where the toolkit and cuDNN are.
            "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT", "CUDA_TOOLKIT_ROOT_DIR", "CUDNN_PATH", "CUDNN_HOME", "CUDNN_ROOT",
            "CUDNN_LIB_DIR", "CUDNN_INCLUDE_DIR",
            // What a container image carries and requires (the CUDA base images set these).
            "CUDA_VERSION", "CUDNN_VERSION", "NVIDIA_REQUIRE_CUDA", "NVIDIA_DISABLE_REQUIRE", "NVIDIA_PRODUCT_NAME",
            "NVIDIA_CUDA_END_OF_LIFE",
            // How the driver loads modules and runs work: each changes behaviour a bug report asks about.
            "CUDA_MODULE_LOADING", "CUDA_LAUNCH_BLOCKING", "CUDA_CACHE_DISABLE", "CUDA_CACHE_MAXSIZE", "CUDA_CACHE_PATH",
            "CUDA_FORCE_PTX_JIT", "CUDA_DISABLE_PTX_JIT", "CUDA_DEVICE_MAX_CONNECTIONS", "CUDA_AUTO_BOOST",
            "CUDA_MPS_PIPE_DIRECTORY", "CUDA_MPS_LOG_DIRECTORY", "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "NVIDIA_TF32_OVERRIDE",
        };

        // Families of shown names, as prefix and suffix: the Windows installer's toolkit root per version
        // (CUDA_PATH_V12_4), and this module's library overrides (DLGPUTOOLS_CUDNN_PATH).
        private static readonly (string Prefix, string Suffix)[] ShownFamilies = { ("CUDA_PATH_V", string.Empty),
            ("DLGPUTOOLS_", "_PATH") };

        // Tokens that announce themselves by a prefix, with the least that must follow it for a key (shorter is a word).
        private static readonly (string Prefix, int MinimumBody, string Why)[] KeyPrefixes =
        {
            ("nvapi-", 16, "NGC and build.nvidia.com API keys (NGC_API_KEY, NVIDIA_NGC_PAT)"),
            ("ghp_", 16, "GitHub personal tokens"), ("gho_", 16, "GitHub OAuth tokens"), ("ghu_", 16, "GitHub user tokens"),
            ("ghs_", 16, "GitHub app tokens"), ("ghr_", 16, "GitHub refresh tokens"), ("github_pat_", 16, "GitHub fine-grained tokens"),
            ("glpat-", 16, "GitLab personal tokens"),
            ("hf_", 16, "Hugging Face tokens"),
            ("sk-", 16, "OpenAI-style secret keys"),
            ("xoxb-", 10, "Slack bot tokens"), ("xoxp-", 10, "Slack user tokens"),
            ("AKIA", 16, "AWS access key ids"), ("ASIA", 16, "AWS temporary key ids"),
            ("AIza", 30, "Google API keys"),
            ("eyJ", 16, "JSON Web Tokens (base64 of '{\"')"),
        };

        private static readonly char[] QueryMarks = { '?', '#' };

        // A safety valve against a pattern that backtracks, not a speed limit: every pattern here is linear, and a
        // megabyte takes well under a second, but a loaded 2-core machine (CI, several runspaces) can take longer.
        private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);

        // A prefix token: the prefix not glued to a letter or digit before it, then the token's characters.
        private static readonly Regex PrefixedKey = new Regex(
            "(?<![A-Za-z0-9])(?:"
                + string.Join("|", KeyPrefixes.Select(k => Regex.Escape(k.Prefix) + "[A-Za-z0-9_.=-]{" + k.MinimumBody + ",}")) + ")",
            RegexOptions.CultureInvariant, MatchTimeout);

        // 32+ hex digits: API keys, HMACs, session ids. GPU UUIDs (dashes every 8 or 4) are not this long in one run.
        private static readonly Regex HexRun = new Regex("(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}", RegexOptions.CultureInvariant, MatchTimeout);

        // 32+ characters of base64url with capitals, small letters and digits all present (a random key almost always
        // has all three) and a piece of 13 or more between '-' and '_' (a GPU UUID's pieces are 12 at most, and names
        // like My_Project_2024_Final are short words). '/' is not in the class, so paths are cut into their folder
        // names, and a key as a folder name is still caught.
        private static readonly Regex KeyLikeRun = new Regex("(?<![A-Za-z0-9+_=-])[A-Za-z0-9+_-]{32,}={0,2}",
            RegexOptions.CultureInvariant, MatchTimeout);

        // Standard base64 with '/' (an AWS secret key): 40+ characters, all three kinds, not starting with '/' (an
        // absolute path does), and at most one '/' per 16 characters (path segments are shorter).
        private static readonly Regex SlashedKeyRun = new Regex("(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{40,}={0,2}",
            RegexOptions.CultureInvariant, MatchTimeout);

        // GPU and MIG UUIDs, and any other UUID (hidden with -Redact only: they identify a machine, they grant nothing).
        private static readonly Regex Uuid = new Regex(
            "(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f])",
                RegexOptions.CultureInvariant, MatchTimeout);

        // Other users' home folders (with -Redact): the folder name after /home/, /Users/ or \Users\.
        private static readonly Regex OtherHome = new Regex(@"(/home/|/Users/|\\Users\\)[^/\\:;\s<>]+",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeout);

        private readonly string? _home;
        private readonly bool _hideIdentity;
        private readonly string[] _userNames;
        private readonly string[] _hostNames;
        private readonly StringComparison _pathComparison;

        /// <summary>
        /// A redactor that writes <paramref name="home"/> as ~ (null: leaves paths alone) and, with
        /// <paramref name="hideIdentity"/>, hides UUIDs, these user and host names and other users' home folders.
        /// </summary>
        public ReportRedactor(string? home, bool hideIdentity, IEnumerable<string?>? userNames = null,
            IEnumerable<string?>? hostNames = null, bool windows = false)
        {
            string? trimmed = home?.TrimEnd('/', '\\');
            // "/" or "C:\" as a home would turn every path into ~.
            _home = trimmed != null && trimmed.Length > 1 && !(trimmed.Length == 2 && trimmed[1] == ':') ? trimmed : null;
            _hideIdentity = hideIdentity;
            // One-letter names would blank out single letters everywhere.
            _userNames = Names(userNames);
            _hostNames = Names(hostNames);
            _pathComparison = windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        }

        /// <summary>Hides secrets only: what every report's object gets.</summary>
        public static ReportRedactor SecretsOnly { get; } = new ReportRedactor(null, false);

        /// <summary>This process's home, user and host, for Markdown (home as ~) and -Redact (<paramref name="hideIdentity"/>).</summary>
        public static ReportRedactor ForThisProcess(bool hideIdentity)
        {
            bool windows = PlatformInfo.IsWindows;
            string? home = Environment.GetEnvironmentVariable(windows ? "USERPROFILE" : "HOME");
            string[] users = { Environment.UserName, Environment.GetEnvironmentVariable("USER"),
                Environment.GetEnvironmentVariable("USERNAME"), Environment.GetEnvironmentVariable("LOGNAME") };
            string[] hosts = { Environment.MachineName, Environment.GetEnvironmentVariable("HOSTNAME"),
                Environment.GetEnvironmentVariable("COMPUTERNAME") };
            return new ReportRedactor(home, hideIdentity, users, hosts, windows);
        }

        /// <summary>
        /// The report's line for one variable: null when the report does not read it (not CUDA_*, NVIDIA_*, CUDNN_*,
        /// DLGPUTOOLS_* or the library search path), its scrubbed value when the allow-list shows it, else its name only.
        /// </summary>
        public static EnvironmentVariableReport? Variable(string name, string? value, bool windows)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            string searchPath = windows ? "PATH" : "LD_LIBRARY_PATH";
            bool isSearchPath = string.Equals(name, searchPath, StringComparison.OrdinalIgnoreCase);
            if (!isSearchPath && !RelevantPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))) return null;
            if (isSearchPath || ShowsValue(name))
                return new EnvironmentVariableReport { Name = name, Value = value == null ? null : Scrub(value) };
            return new EnvironmentVariableReport { Name = name, ValueHidden = true };
        }

        /// <summary>Whether the allow-list shows this variable's value.</summary>
        public static bool ShowsValue(string name) =>
            name != null && (ShownVariables.Contains(name) || ShownFamilies.Any(f =>
                name.Length > f.Prefix.Length + f.Suffix.Length
                && name.StartsWith(f.Prefix, StringComparison.OrdinalIgnoreCase)
                && name.EndsWith(f.Suffix, StringComparison.OrdinalIgnoreCase)));

        /// <summary>
        /// <paramref name="text"/> without secrets: PEM blocks, the user:password@ of URLs and their query and fragment
        /// values, prefixed tokens (nvapi-, ghp_, hf_...), and long runs shaped like keys, each replaced by ***.
        /// </summary>
        public static string Scrub(string text)
        {
            if (Strings.IsNullOrEmpty(text)) return text ?? string.Empty;
            try
            {
                string result = Pem(text);
                result = Urls(result);
                result = PrefixedKey.Replace(result,
                    m => KeyPrefixes.First(k => m.Value.StartsWith(k.Prefix, StringComparison.Ordinal)).Prefix + Hidden);
                result = HexRun.Replace(result, Hidden);
                result = KeyLikeRun.Replace(result, m => MixesAllKinds(m.Value) && LongestPiece(m.Value) >= 13 ? Hidden : m.Value);
                return SlashedKeyRun.Replace(result, m =>
                    m.Value[0] != '/' && MixesAllKinds(m.Value) && m.Value.Count(c => c == '/') * 16 <= m.Length ? Hidden : m.Value);
            }
            catch (RegexMatchTimeoutException)
            {
                return Unchecked;
            }
        }

        /// <summary>
        /// <paramref name="text"/> as a report for others shows it: <see cref="Scrub"/>bed, the home folder as ~ and, with
        /// hideIdentity, UUIDs as &lt;uuid&gt;, user names and other users' home folders as &lt;user&gt;, host names as &lt;host&gt;.
        /// </summary>
        public string Text(string? text)
        {
            if (Strings.IsNullOrEmpty(text)) return text ?? string.Empty;
            string result = Scrub(text);
            if (_home != null) result = ReplaceName(result, _home, "~", _pathComparison, IsPathNameChar);
            if (!_hideIdentity) return result;
            try
            {
                result = Uuid.Replace(result, "<uuid>");
                result = OtherHome.Replace(result, m => m.Groups[1].Value + "<user>");
            }
            catch (RegexMatchTimeoutException)
            {
                return Unchecked;
            }

            foreach (string host in _hostNames)
                result = ReplaceName(result, host, "<host>", StringComparison.OrdinalIgnoreCase, IsHostNameChar);
            foreach (string user in _userNames) result = ReplaceName(result, user, "<user>", _pathComparison, IsPathNameChar);
            return result;
        }

        /// <summary>
        /// Every text in <paramref name="report"/> through <see cref="Text"/>, in place: paths, UUIDs, variable values,
        /// process names, problems. For -Redact, so the object can be shared as the Markdown can.
        /// </summary>
        public void Apply(GpuReport report)
        {
            if (report == null) throw new ArgumentNullException(nameof(report));
            report.OperatingSystem = Nullable(report.OperatingSystem);
            report.Kernel = Nullable(report.Kernel);
            foreach (CudaDevice gpu in report.Gpus)
            {
                gpu.Name = Nullable(gpu.Name);
                gpu.Uuid = Nullable(gpu.Uuid);
                gpu.DriverLibraryPath = Nullable(gpu.DriverLibraryPath);
                gpu.NvmlLibraryPath = Nullable(gpu.NvmlLibraryPath);
                foreach (GpuProcess process in gpu.Processes) process.ProcessName = Nullable(process.ProcessName);
            }

            foreach (LibraryReport library in report.Libraries)
            {
                library.Path = Nullable(library.Path);
                library.Problem = Nullable(library.Problem);
                library.OtherCopies = library.OtherCopies.Select(Text).ToArray();
            }

            foreach (PythonEnvironmentReport environment in report.PythonEnvironments)
            {
                environment.Prefix = Nullable(environment.Prefix);
                environment.Problem = Nullable(environment.Problem);
            }

            foreach (EnvironmentVariableReport variable in report.EnvironmentVariables) variable.Value = Nullable(variable.Value);
            report.Problems = report.Problems.Select(Text).ToArray();
        }

        private string? Nullable(string? text) => text == null ? null : Text(text);

        private static string[] Names(IEnumerable<string?>? names) =>
            (names ?? Enumerable.Empty<string?>()).Where(n => n != null && n.Trim().Length > 1).Select(n => n!.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

        private static bool MixesAllKinds(string run) => run.Any(char.IsUpper) && run.Any(char.IsLower) && run.Any(char.IsDigit);

        private static int LongestPiece(string run)
        {
            int longest = 0, piece = 0;
            foreach (char c in run)
            {
                piece = c == '-' || c == '_' ? 0 : piece + 1;
                longest = Math.Max(longest, piece);
            }

            return longest;
        }

        private static bool IsPathNameChar(char c) => char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-';

        private static bool IsHostNameChar(char c) => char.IsLetterOrDigit(c) || c == '-' || c == '_';

        // Each occurrence of name that is not part of a longer name becomes replacement: no name character follows it,
        // and none comes before it (for a path such as the home, no folder separator either: /srv/root is not /root).
        private static string ReplaceName(string text, string name, string replacement, StringComparison comparison,
            Func<char, bool> isNameChar)
        {
            bool isPath = name[0] == '/' || name[0] == '\\';
            var result = new StringBuilder(text.Length);
            int copied = 0;
            for (int at = text.IndexOf(name, comparison); at >= 0; at = text.IndexOf(name, at + name.Length, comparison))
            {
                int after = at + name.Length;
                char before = at == 0 ? ' ' : text[at - 1];
                if (isNameChar(before) || (isPath && (before == '/' || before == '\\'))) continue;
                if (after < text.Length && isNameChar(text[after])) continue;
                result.Append(text, copied, at - copied).Append(replacement);
                copied = after;
            }

            return copied == 0 ? text : result.Append(text, copied, text.Length - copied).ToString();
        }

        // "-----BEGIN <label>-----" through its "-----END <label>-----" (or the end of the text) becomes one marker.
        private static string Pem(string text)
        {
            const string Begin = "-----BEGIN ", End = "-----END ";
            int start = text.IndexOf(Begin, StringComparison.Ordinal);
            if (start < 0) return text;
            var result = new StringBuilder(text.Length);
            int copied = 0;
            while (start >= 0)
            {
                int end = text.IndexOf(End, start + Begin.Length, StringComparison.Ordinal);
                int close = end < 0 ? -1 : text.IndexOf("-----", end + End.Length, StringComparison.Ordinal);
                int stop = close < 0 ? text.Length : close + 5;
                result.Append(text, copied, start - copied).Append("-----PEM block ").Append(Hidden).Append("-----");
                copied = stop;
                start = stop >= text.Length ? -1 : text.IndexOf(Begin, stop, StringComparison.Ordinal);
            }

            return result.Append(text, copied, text.Length - copied).ToString();
        }

        // scheme://user:password@host/path?name=value#name=value → scheme://***@host/path?name=***#name=***. Each URL is
        // read forward once from its "://" to its end, and the next "://" is searched from there.
        private static string Urls(string text)
        {
            int mark = text.IndexOf("://", StringComparison.Ordinal);
            if (mark < 0) return text;
            var result = new StringBuilder(text.Length);
            int copied = 0;
            while (mark >= 0)
            {
                int end = mark + 3;
                while (end < text.Length && !IsUrlEnd(text[end])) end++;
                int authorityEnd = end;
                for (int i = mark + 3; i < end; i++)
                {
                    if (text[i] == '/' || text[i] == '?' || text[i] == '#')
                    {
                        authorityEnd = i;
                        break;
                    }
                }

                result.Append(text, copied, mark + 3 - copied);
                int at = text.LastIndexOf('@', authorityEnd - 1, authorityEnd - mark - 3);
                int hostStart = mark + 3;
                if (at >= 0)
                {
                    result.Append(Hidden).Append('@');
                    hostStart = at + 1;
                }

                int query = text.IndexOfAny(QueryMarks, authorityEnd, end - authorityEnd);
                if (query < 0)
                {
                    result.Append(text, hostStart, end - hostStart);
                }
                else
                {
                    result.Append(text, hostStart, query - hostStart);
                    result.Append(HideParameterValues(text.Substring(query, end - query)));
                }

                copied = end;
                mark = end >= text.Length ? -1 : text.IndexOf("://", end, StringComparison.Ordinal);
            }

            return result.Append(text, copied, text.Length - copied).ToString();
        }

        // "?a=1&b#c=2" → "?a=***&***#c=***": every value after ? and # (tokens, signatures, OAuth fragments).
        private static string HideParameterValues(string tail)
        {
            var result = new StringBuilder(tail.Length);
            int i = 0;
            while (i < tail.Length)
            {
                result.Append(tail[i]); // '?', '#' or '&'
                int next = i + 1;
                while (next < tail.Length && tail[next] != '&' && tail[next] != '#') next++;
                string parameter = tail.Substring(i + 1, next - i - 1);
                int equals = parameter.IndexOf('=');
                if (parameter.Length > 0) result.Append(equals >= 0 ? parameter.Substring(0, equals + 1) + Hidden : Hidden);
                i = next;
            }

            return result.ToString();
        }

        private static bool IsUrlEnd(char c) => char.IsWhiteSpace(c) || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>'
            || c == ';' || c == '|' || c == ',';
    }
}
