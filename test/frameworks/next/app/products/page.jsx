import { Shop } from '../shop'

export default function Home() {
  return <Shop />
}
