using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Layers, width and key/value heads of a decoder-only model of a given size, taken from the published
    /// configurations of the nearest Llama 3 / Qwen 2.5 model (config.json of each): KV cache and activation
    /// memory follow these, not the parameter count alone.
    /// </summary>
    public sealed class ModelShape
    {
        private static readonly ModelShape[] Known =
        {
            new ModelShape("BERT-large-like", 0.34e9, 24, 1024, 16, 64),
            new ModelShape("Llama 3.2 1B", 1.24e9, 16, 2048, 8, 64),
            new ModelShape("Llama 3.2 3B", 3.2e9, 28, 3072, 8, 128),
            new ModelShape("Llama 3.1 8B", 8.0e9, 32, 4096, 8, 128),
            new ModelShape("Qwen2.5 14B", 14.7e9, 48, 5120, 8, 128),
            new ModelShape("Qwen2.5 32B", 32.5e9, 64, 5120, 8, 128),
            new ModelShape("Llama 3.1 70B", 70.6e9, 80, 8192, 8, 128),
            new ModelShape("Llama 3.1 405B", 405e9, 126, 16384, 8, 128),
        };

        private ModelShape(string name, double parameters, int layers, int width, int kvHeads, int headSize)
        {
            Name = name;
            Parameters = parameters;
            Layers = layers;
            Width = width;
            KvHeads = kvHeads;
            HeadSize = headSize;
        }

        public string Name { get; }

        public double Parameters { get; }

        public int Layers { get; }

        public int Width { get; }

        public int KvHeads { get; }

        public int HeadSize { get; }

        /// <summary>The known shape nearest in size on a log scale.</summary>
        public static ModelShape For(double parameters)
        {
            ModelShape best = Known[0];
            foreach (ModelShape shape in Known)
            {
                if (Math.Abs(Math.Log(shape.Parameters / parameters)) < Math.Abs(Math.Log(best.Parameters / parameters))) best = shape;
            }

            return best;
        }

        public string Describe() => string.Format(CultureInfo.InvariantCulture, "{0} shape: {1} layers, width {2}, {3} KV heads of {4}", Name, Layers, Width, KvHeads, HeadSize);
    }
}
