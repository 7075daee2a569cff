import { Button, Result } from "antd";
import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title={<h1 className="page-title">页面不存在</h1>}
      subTitle="您访问的页面不存在或已被移除。"
      extra={
        <Link to="/">
          <Button type="primary" tabIndex={-1}>返回我的待办</Button>
        </Link>
      }
    />
  );
}
