import { FootfallProvider } from 'footfall/react'

// A server component: footfall/react is marked 'use client', so the provider renders here as is.
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <head>
        <link rel="icon" href="data:," />
      </head>
      <body>
        <FootfallProvider options={{ endpoint: process.env.COLLECTOR, site: 'next-shop', vitals: false }}>{children}</FootfallProvider>
      </body>
    </html>
  )
}
