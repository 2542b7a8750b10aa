/** The demo shop's products. `art` is the SVG path drawn on the product tile (no image files to fetch). */
export const PRODUCTS = [
  {
    id: 'sku-mug', name: 'Stoneware mug', price: 24, category: 'Kitchen', tint: '#e9d8c4', ink: '#8a5a3b',
    blurb: 'Thrown by hand in Lusatia, glazed in a speckled oat finish. Holds 350 ml and a slow morning.',
    art: 'M34 30h36v40a8 8 0 0 1-8 8H42a8 8 0 0 1-8-8zM70 38h6a9 9 0 0 1 0 18h-6v-6h6a3 3 0 0 0 0-6h-6z',
  },
  {
    id: 'sku-tote', name: 'Waxed canvas tote', price: 58, category: 'Carry', tint: '#d7e0d0', ink: '#4f6b45',
    blurb: 'Heavy waxed cotton that shrugs off rain, with leather handles that age with you.',
    art: 'M26 40h48l-4 40H30zM38 40v-6a12 12 0 0 1 24 0v6h-5v-6a7 7 0 0 0-14 0v6z',
  },
  {
    id: 'sku-candle', name: 'Beeswax candle', price: 16, category: 'Home', tint: '#f3e4b5', ink: '#a77b12',
    blurb: 'Pure beeswax, cotton wick, about 40 hours of warm honey-scented light.',
    art: 'M38 44h24v36H38zM50 22c6 7 6 12 0 16-6-4-6-9 0-16z',
  },
  {
    id: 'sku-pot', name: 'Terracotta planter', price: 32, category: 'Garden', tint: '#f0d2c2', ink: '#b3542f',
    blurb: 'Unglazed clay that lets roots breathe, with a saucer. 16 cm across.',
    art: 'M30 50h40l-5 30H35zM28 44h44v6H28zM50 44c-2-10-10-16-18-16 2 9 9 15 18 16zM50 44c2-12 10-18 20-18-2 10-10 17-20 18z',
  },
  {
    id: 'sku-notebook', name: 'Linen notebook', price: 19, category: 'Paper', tint: '#d6dde8', ink: '#3f5a80',
    blurb: 'A5, 160 pages of 100 g dot-grid paper that takes fountain pens, bound in linen.',
    art: 'M32 24h36v52H32zM60 24h4v52h-4zM38 34h16v3H38zM38 41h12v3H38z',
  },
  {
    id: 'sku-throw', name: 'Wool throw', price: 89, category: 'Home', tint: '#e5d5e0', ink: '#7a4a6b',
    blurb: 'Woven from undyed merino and alpaca on a 1950s loom. 130 × 180 cm.',
    art: 'M26 30h48v40H26zM26 38h48v4H26zM26 50h48v4H26zM26 62h48v4H26zM30 70v8M38 70v8M46 70v8M54 70v8M62 70v8M70 70v8',
  },
]

export const CURRENCY = 'EUR'

export const byId = (id) => PRODUCTS.find((p) => p.id === id)

export const money = (n) => new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(n)
