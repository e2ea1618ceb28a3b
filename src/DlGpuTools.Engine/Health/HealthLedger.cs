using System;
using System.Collections.Generic;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The runner's record of one health check run: each item's rows and readings by GPU, and the GPUs that stopped
    /// answering. Only <see cref="HealthChecker"/> writes it; items see it through <see cref="HealthContext"/>.
    /// </summary>
    internal sealed class HealthLedger
    {
        private readonly Dictionary<(string Id, int Gpu), object> _readings = new Dictionary<(string, int), object>(new KeyComparer());
        private readonly Dictionary<(string Id, int? Gpu), List<GpuHealthCheck>> _rows = new Dictionary<(string,
            int?), List<GpuHealthCheck>>(new RowKeyComparer());

        public HashSet<int> Hung { get; } = new HashSet<int>();

        public object? ReadingOf(string id, int gpu) => _readings.TryGetValue((id, gpu), out object? reading) ? reading : null;

        public bool HasReading(string id, int gpu) => _readings.ContainsKey((id, gpu));

        public void Publish(string id, int gpu, object? reading)
        {
            if (reading != null) _readings[(id, gpu)] = reading;
        }

        /// <summary>A row under the item and GPU it belongs to; <paramref name="gpu"/> null: a row of the host's list.</summary>
        public void Add(string id, int? gpu, GpuHealthCheck row)
        {
            row.Id = id;
            if (!_rows.TryGetValue((id, gpu), out List<GpuHealthCheck>? list)) _rows[(id, gpu)] = list = new List<GpuHealthCheck>();
            list.Add(row);
        }

        /// <summary>A second reading's row in place of the first, so the row keeps its place in the report.</summary>
        public void Replace(string id, int gpu, GpuHealthCheck row)
        {
            row.Id = id;
            _rows[(id, gpu)] = new List<GpuHealthCheck> { row };
        }

        public IReadOnlyList<GpuHealthCheck> RowsOf(string id, int? gpu) =>
            _rows.TryGetValue((id, gpu),
                out List<GpuHealthCheck>? list) ? list : (IReadOnlyList<GpuHealthCheck>)Array.Empty<GpuHealthCheck>();

        private sealed class KeyComparer : IEqualityComparer<(string Id, int Gpu)>
        {
            public bool Equals((string Id, int Gpu) x, (string Id,
                int Gpu) y) => x.Gpu == y.Gpu && StringComparer.OrdinalIgnoreCase.Equals(x.Id, y.Id);

            public int GetHashCode((string Id, int Gpu) key) => StringComparer.OrdinalIgnoreCase.GetHashCode(key.Id) * 31 + key.Gpu;
        }

        private sealed class RowKeyComparer : IEqualityComparer<(string Id, int? Gpu)>
        {
            public bool Equals((string Id, int? Gpu) x, (string Id,
                int? Gpu) y) => x.Gpu == y.Gpu && StringComparer.OrdinalIgnoreCase.Equals(x.Id, y.Id);

            public int GetHashCode((string Id, int? Gpu) key) => StringComparer.OrdinalIgnoreCase.GetHashCode(key.Id) * 31
                + (key.Gpu ?? -1);
        }
    }
}
